package io.mater.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Rng;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Shared test support: the OpenCL device (tests skip when there is none, and fail when the environment
 * sets MATER_REQUIRE_OPENCL=1, as CI does), and differential checks of an op on OpenCL against the CPU.
 */
final class OpenClTesting {
    static final Device CL = new Device("opencl", 0);

    private OpenClTesting() {}

    /** The OpenCL backend; skips the test (or fails it under MATER_REQUIRE_OPENCL=1) when there is no device. */
    static OpenClBackend backend() {
        String reason = OpenClBackend.unavailableReason();
        if (reason != null) {
            if ("1".equals(System.getenv("MATER_REQUIRE_OPENCL")))
                fail("MATER_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + reason);
            assumeTrue(false, "OpenCL tests skipped: " + reason);
        }
        return (OpenClBackend) Backends.of(CL);
    }

    /**
     * Lets the garbage collector release unreachable device buffers of earlier tests (the Cleaner backstop),
     * so that memory accounting measured afterwards is not disturbed by them.
     */
    static void drain(OpenClBackend be) throws InterruptedException {
        int stable = 0, last = -1;
        for (int i = 0; i < 50 && stable < 3; i++) {
            System.gc();
            Thread.sleep(10);
            int now = be.liveBuffers();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }

    static void assertClose(String what, float[] expected, float[] actual, float rtol, float atol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (Float.isInfinite(e) && e == a) continue;
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e)))
                fail(what + ": element " + i + " of " + expected.length + ": expected " + e + " but OpenCL gave " + a + " (rtol " + rtol + ", atol " + atol + ")");
        }
    }

    static void assertClose(String what, Tensor expected, Tensor actual, float rtol, float atol) {
        assertEquals(Shape.str(expected.shape()), Shape.str(actual.shape()), what + ": shape");
        assertClose(what, expected.toArray(), actual.toArray(), rtol, atol);
    }

    /**
     * Runs f on the CPU and on OpenCL with the same inputs (leaves that require grad), back-propagates the
     * same random upstream gradient, and compares the outputs and every input's gradient.
     */
    static void checkOp(String what, Function<List<Tensor>, Tensor> f, float rtol, float atol, Tensor... cpuInputs) {
        backend();
        var cpuLeaves = new ArrayList<Tensor>();
        var clLeaves = new ArrayList<Tensor>();
        for (var t : cpuInputs) {
            cpuLeaves.add(t.detach().requiresGrad(true));
            clLeaves.add(t.detach().to(CL).requiresGrad(true));
        }
        Tensor yc = f.apply(cpuLeaves), yd = f.apply(clLeaves);
        assertEquals(CL, yd.device(), what + ": output device");
        assertClose(what + " forward", yc, yd, rtol, atol);
        if (!yc.requiresGrad()) return;
        Tensor g = Tensor.randn(new Rng(what.hashCode()), yc.shape());
        yc.backward(g);
        yd.backward(g.to(CL));
        for (int i = 0; i < cpuLeaves.size(); i++) {
            Tensor gc = cpuLeaves.get(i).grad(), gd = clLeaves.get(i).grad();
            if (gc == null) {
                assertEquals(null, gd, what + ": input " + i + " got a gradient on OpenCL only");
                continue;
            }
            assertEquals(CL, gd.device(), what + ": gradient device");
            assertClose(what + " gradient of input " + i, gc, gd, rtol, atol);
        }
    }

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }

    static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Tensor.uniform(new Rng(seed), lo, hi, shape);
    }
}
