package io.mater.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without the jdk.incubator.vector module, Gemm runs the scalar twin and never loads GemmVector (which links
 * against the module). Checked in a child JVM started without --add-modules.
 */
class GemmWithoutVectorTest {

    /** Child JVM entry: one small GEMM, printed. */
    public static void main(String[] args) {
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        Gemm.sgemmBatched(false, false, 1, 2, 2, 1f, a, 0, 2, 2, b, 0, 0, 2, 1f, c, 0, 2, 2, 2);
        System.out.println("C=" + c[0] + "," + c[1] + "," + c[2] + "," + c[3]);
    }

    @Test
    void scalarPathDoesNotLoadGemmVector() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var cmd = List.of(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                GemmWithoutVectorTest.class.getName());
        var proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, proc.exitValue(), out);
        // [1 2; 3 4] [5 6; 7 8] = [19 22; 43 50], then each row i of C += row i of A times [5 6; 7 8]
        assertTrue(out.contains("C=38.0,44.0,86.0,100.0"), out);
        assertTrue(out.contains("io.mater.engine.cpu.GemmScalar"), "class loading was not logged:\n" + out);
        assertFalse(out.contains("io.mater.engine.cpu.GemmVector"), "GemmVector was loaded without the Vector API");
    }
}
