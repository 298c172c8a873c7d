package io.mater.gpu.opencl;

import static io.mater.gpu.opencl.OpenClTesting.CL;
import static io.mater.gpu.opencl.OpenClTesting.assertClose;
import static io.mater.gpu.opencl.OpenClTesting.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.engine.Backends;
import io.mater.engine.Device;
import io.mater.engine.Tensor;
import io.mater.engine.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Adam on the device against the CPU, and deterministic device memory: scopes, keep, peak, use after free. */
class AdamMemoryTest {
    @org.junit.jupiter.api.BeforeEach
    void needsOpenCl() {
        OpenClTesting.backend(); // skips (or fails under MATER_REQUIRE_OPENCL=1) without a device
    }

    @Test
    void adamStepsMatchTheCpu() {
        var be = OpenClTesting.backend();
        for (boolean decoupled : new boolean[] {false, true}) {
            int n = 1037;
            Tensor pc = randn(1, n), mc = Tensor.zeros(n), vc = Tensor.zeros(n);
            Tensor pd = pc.to(CL), md = mc.to(CL), vd = vc.to(CL);
            pc = pc.contiguous().mul(1f); // own copy: to(CL) shares nothing, but keep the CPU one separate anyway
            for (int step = 1; step <= 5; step++) {
                Tensor g = randn(100 + step, n);
                CpuBackend.INSTANCE.adamStep(pc, g, mc, vc, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                be.adamStep(pd, g.to(CL), md, vd, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
            }
            assertClose("adam param (decoupled " + decoupled + ")", pc, pd, 1e-5f, 1e-6f);
            assertClose("adam m", mc, md, 1e-5f, 1e-7f);
            assertClose("adam v", vc, vd, 1e-5f, 1e-9f);
        }
    }

    @Test
    void scopeFreesWhatItAllocatedExceptKeptTensors() throws Exception {
        var be = OpenClTesting.backend();
        OpenClTesting.drain(be);
        long before = be.memoryInUse();
        int liveBefore = be.liveBuffers();
        Tensor kept;
        be.resetPeak();
        try (var scope = be.memoryScope()) {
            Tensor a = randn(1, 256, 256).to(CL);           // 256 KiB
            Tensor b = a.matmul(a).relu();                     // 2 more buffers of 256 KiB
            kept = scope.keep(b.sum(1, false));
            assertTrue(be.memoryInUse() >= before + 3 * 256 * 1024, "allocations are counted");
        }
        assertEquals(before + 256 * 4, be.memoryInUse(), "only the kept [256] sum is still allocated");
        assertEquals(liveBefore + 1, be.liveBuffers());
        assertTrue(be.memoryPeak() >= before + 3 * 256 * 1024, "peak " + be.memoryPeak() + " reports the high-water mark");
        assertEquals(256, kept.toArray().length);
        ((ClMemory) kept.storage()).close();
        assertEquals(before, be.memoryInUse());
        var ex = assertThrows(IllegalStateException.class, kept::toArray);
        assertTrue(ex.getMessage().contains("freed"), ex.getMessage());
    }

    @Test
    void nestedScopesHandKeptTensorsOutward() throws Exception {
        var be = OpenClTesting.backend();
        OpenClTesting.drain(be);
        long before = be.memoryInUse();
        try (var outer = be.memoryScope()) {
            Tensor x;
            try (var inner = be.memoryScope()) {
                x = inner.keep(randn(2, 100).to(CL).exp());
            }
            assertEquals(100, x.toArray().length, "kept by the inner scope, alive in the outer one");
        }
        assertEquals(before, be.memoryInUse(), "the outer scope freed what the inner one kept");
    }

    @Test
    void unreachableBuffersOutsideScopesAreReclaimedAsABackstop() throws Exception {
        var be = OpenClTesting.backend();
        int before = be.liveBuffers();
        for (int i = 0; i < 50; i++) Tensor.zeros(1000).to(CL); // no scope: dropped at once
        assertTrue(be.liveBuffers() >= before + 1, "buffers are live until collected");
        for (int i = 0; i < 100 && be.liveBuffers() > before + 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(be.liveBuffers() <= before + 5, "unreachable buffers were released: " + (be.liveBuffers() - before) + " still live");
    }

    @Test
    void unknownDeviceIndexNamesTheDevices() {
        OpenClTesting.backend();
        var ex = assertThrows(IllegalStateException.class, () -> Backends.of(new Device("opencl", 99)));
        assertTrue(ex.getMessage().contains("no OpenCL device 99"), ex.getMessage());
    }

    @Test
    void convolutionIsCpuOnlyWithAClearMessage() {
        var be = OpenClTesting.backend();
        var ex = assertThrows(UnsupportedOperationException.class, () -> be.conv2d(null, null, null, null));
        assertTrue(ex.getMessage().contains("--device cpu"), ex.getMessage());
    }
}
