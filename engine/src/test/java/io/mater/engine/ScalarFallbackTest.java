package io.mater.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without jdk.incubator.vector in the module graph the engine must run on its scalar kernels, print one
 * warning line, and compute the same results.
 */
class ScalarFallbackTest {
    /** Entry point of the child JVM: prints a checksum of a small training-like computation. */
    public static void main(String[] args) {
        System.out.println("simd=" + Simd.ENABLED);
        System.out.println("checksum=" + checksum());
    }

    static double checksum() {
        Rng rng = new Rng(11);
        Tensor x = Tensor.randn(rng, 17, 33), w = Tensor.randn(rng, 9, 33).requiresGrad(true), b = Tensor.randn(rng, 9).requiresGrad(true);
        Tensor h = MatMul.linear(x, w, b).gelu();
        Tensor y = Normalization.layerNorm(h, new int[] {9}, null, null, 1e-5f).softmax(-1);
        Tensor loss = Losses.crossEntropy(y, Tensor.arange(17).mul(0f).add(3f));
        loss.backward();
        double s = loss.item();
        for (float v : w.grad().toArray()) s += v;
        for (float v : b.grad().toArray()) s += 2 * v;
        return s;
    }

    @Test
    void runsWithoutTheVectorModule() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String cp = Path.of("target", "classes") + java.io.File.pathSeparator + Path.of("target", "test-classes");
        Path err = Files.createTempFile("fallback", ".err");
        Process p = new ProcessBuilder(javaBin, "-cp", cp, ScalarFallbackTest.class.getName())
                .redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        assertEquals(0, p.exitValue(), "child failed: " + stderr);
        assertTrue(out.contains("simd=false"), out);
        long warnings = stderr.lines().filter(l -> l.contains("jdk.incubator.vector is not in the module graph")).count();
        assertEquals(1, warnings, "expected exactly one warning line, got:\n" + stderr);
        double child = Double.parseDouble(out.lines().filter(l -> l.startsWith("checksum=")).findFirst().orElseThrow().substring(9));
        assertEquals(checksum(), child, 1e-4, "scalar and vector kernels disagree");
    }
}
