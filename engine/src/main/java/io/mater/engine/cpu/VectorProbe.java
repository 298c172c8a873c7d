package io.mater.engine.cpu;

import jdk.incubator.vector.FloatVector;

/** Touches the Vector API once; loaded only when the module is present. */
public final class VectorProbe {
    private VectorProbe() {}

    public static void probe() {
        var v = FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, 1f);
        if (v.reduceLanes(jdk.incubator.vector.VectorOperators.ADD) != FloatVector.SPECIES_PREFERRED.length()) {
            throw new IllegalStateException("Vector API self-test failed");
        }
    }

    public static String describe() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, " + FloatVector.SPECIES_PREFERRED.length() + " floats";
    }
}
