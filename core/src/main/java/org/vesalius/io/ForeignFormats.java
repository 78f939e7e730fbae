package org.vesalius.io;

import java.nio.charset.StandardCharsets;

/**
 * Recognises the files people most often hand to a safetensors reader by mistake, from their first
 * bytes, so the error can say what the file is and how to convert it instead of reporting a
 * nonsensical header length.
 */
final class ForeignFormats {
    private static final String CONVERT = "convert it in Python (with the safetensors package): "
            + "import torch; from safetensors.torch import save_file; "
            + "sd = torch.load('model.pt', map_location='cpu'); "
            + "save_file({k: v.contiguous() for k, v in sd.items()}, 'model.safetensors') "
            + "(for a whole pickled model use model.state_dict())";

    private ForeignFormats() {
    }

    /**
     * What the file starting with {@code head} is, with a hint on converting it, or null when it does
     * not start like a known non-safetensors format.
     */
    static String describe(byte[] head) {
        if (startsWith(head, 'P', 'K', 3, 4) || startsWith(head, 'P', 'K', 5, 6)) {
            return "looks like a zip archive, which is what torch.save writes (.pt/.pth/.bin), not safetensors; "
                    + CONVERT;
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "looks like a Python pickle (the legacy torch.save format, or a pickled object), not safetensors; "
                    + CONVERT;
        }
        if (startsWith(head, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
            return "looks like a NumPy .npy file, not safetensors; convert it in Python with "
                    + "safetensors.numpy.save_file({'name': numpy.load(path)}, 'out.safetensors')";
        }
        if (startsWith(head, 0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n')) {
            return "looks like an HDF5 file (such as a Keras .h5 model), not safetensors";
        }
        if (startsWith(head, 0x1F, 0x8B)) {
            return "looks gzip-compressed; decompress it first";
        }
        if (startsWith(head, 'G', 'G', 'U', 'F')) {
            return "looks like a GGUF file (llama.cpp), not safetensors";
        }
        if (head.length > 0 && (head[0] == '{' || head[0] == '[')) {
            return "starts like a JSON text, not like safetensors (an 8-byte header length, then the JSON header)";
        }
        return null;
    }

    /** A short printable rendering of the first bytes, for errors about unrecognised files. */
    static String preview(byte[] head) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(head.length, 8); i++) {
            sb.append(String.format("%02x ", head[i] & 0xFF));
        }
        String ascii = new String(head, 0, Math.min(head.length, 8), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", ".");
        return sb.toString().trim() + " (\"" + ascii + "\")";
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
