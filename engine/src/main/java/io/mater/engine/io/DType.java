package io.mater.engine.io;

/** Element types of a safetensors file that the engine reads (all as float32) and, for F32/I64/I32, writes. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The dtype spelled exactly as in a safetensors header ("F32", "BF16", ...), or null if unknown. */
    public static DType parse(String name) {
        for (DType d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    /** Whether {@link SafeTensors#write} can store a tensor with this dtype. */
    public boolean writable() {
        return this == F32 || this == I64 || this == I32;
    }
}
