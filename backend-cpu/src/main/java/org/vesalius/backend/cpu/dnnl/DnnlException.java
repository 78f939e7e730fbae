package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.dnnl_invalid_arguments;
import static org.bytedeco.dnnl.global.dnnl.dnnl_last_impl_reached;
import static org.bytedeco.dnnl.global.dnnl.dnnl_not_required;
import static org.bytedeco.dnnl.global.dnnl.dnnl_out_of_memory;
import static org.bytedeco.dnnl.global.dnnl.dnnl_runtime_error;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_unimplemented;

/**
 * A oneDNN call returned an error status. Callers that have a fallback (a plain-Java kernel) catch
 * it when {@link #isUnimplemented()}: oneDNN has no implementation for that configuration.
 */
public final class DnnlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    DnnlException(int status, String what) {
        super("oneDNN: " + what + " failed with " + statusName(status) + " (status " + status + ")");
        this.status = status;
    }

    /** The {@code dnnl_status_t} value. */
    public int status() {
        return status;
    }

    /** True when oneDNN has no implementation for the requested configuration. */
    public boolean isUnimplemented() {
        return status == dnnl_unimplemented || status == dnnl_last_impl_reached;
    }

    static String statusName(int status) {
        if (status == dnnl_success) {
            return "success";
        } else if (status == dnnl_out_of_memory) {
            return "out_of_memory";
        } else if (status == dnnl_invalid_arguments) {
            return "invalid_arguments";
        } else if (status == dnnl_unimplemented) {
            return "unimplemented";
        } else if (status == dnnl_last_impl_reached) {
            return "last_impl_reached";
        } else if (status == dnnl_runtime_error) {
            return "runtime_error";
        } else if (status == dnnl_not_required) {
            return "not_required";
        }
        return "error";
    }
}
