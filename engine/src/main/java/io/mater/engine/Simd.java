package io.mater.engine;

/**
 * Whether the Vector API kernels are used. They are when the {@code jdk.incubator.vector} module is in
 * the module graph (run with {@code --add-modules jdk.incubator.vector}) and {@code -Dmater.simd=false}
 * is not set; otherwise every kernel runs its scalar twin and one warning line is printed.
 */
public final class Simd {
    /** True when the fast kernels are in use; constant for the life of the JVM. */
    public static final boolean ENABLED = detect();

    private Simd() {}

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("mater.simd", "true"))) return false;
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            System.err.println("mater: jdk.incubator.vector is not in the module graph; using scalar kernels "
                    + "(run java with --add-modules jdk.incubator.vector for the fast ones)");
            return false;
        }
        try {
            Class.forName("io.mater.engine.cpu.VectorProbe").getMethod("probe").invoke(null);
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("mater: the Vector API could not be used (" + e + "); using scalar kernels");
            return false;
        }
    }

    /** A line describing the kernels in use, for logs and benchmarks. */
    public static String describe() {
        return ENABLED ? "vector (" + io.mater.engine.cpu.VectorProbe.describe() + ")" : "scalar";
    }
}
