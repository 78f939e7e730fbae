package org.vesalius.backend.cpu;

import java.lang.ref.Cleaner;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Storage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;

/** Host memory of a CPU tensor: a block from the {@link CpuAllocator}, released on last close or by GC. */
final class CpuStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CpuBackend backend;
    final NativeBlock block;
    final DType dtype;
    private final long byteSize;
    private final Cleaner.Cleanable cleanable;

    CpuStorage(CpuBackend backend, CpuAllocator allocator, DType dtype, long numel) {
        this.backend = backend;
        this.dtype = dtype;
        this.byteSize = numel * dtype.byteSize();
        this.block = allocator.allocate(byteSize);
        // The cleaner's action must not reach this object, only the block and the allocator.
        this.cleanable = CLEANER.register(this, new Release(allocator, block));
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    /** Native address of element 0. */
    long address() {
        return block.address;
    }

    @Override
    protected void free() {
        cleanable.clean();
    }

    private static final class Release implements Runnable {
        private final CpuAllocator allocator;
        private final NativeBlock block;

        Release(CpuAllocator allocator, NativeBlock block) {
            this.allocator = allocator;
            this.block = block;
        }

        @Override
        public void run() {
            allocator.release(block);
        }
    }
}
