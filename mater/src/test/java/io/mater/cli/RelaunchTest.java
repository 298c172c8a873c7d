package io.mater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar mater-engine.jar} without the Vector API module relaunches itself with the module and with
 * the parallel collector, unless the user chose a collector; MATER_NO_RELAUNCH keeps the scalar kernels.
 * Runs Main in child JVMs started without --add-modules.
 */
class RelaunchTest {
    private static String version(List<String> jvmArgs, boolean noRelaunch) throws Exception {
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.mater.cli.Main", "version"));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("MATER_NO_RELAUNCH");
        if (noRelaunch) pb.environment().put("MATER_NO_RELAUNCH", "1");
        var proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, proc.exitValue(), out);
        return out;
    }

    @Test
    void relaunchesWithTheVectorModuleAndTheParallelCollector() throws Exception {
        String out = version(List.of(), false);
        assertTrue(out.contains("kernels: vector"), out);
        assertTrue(out.contains("PS Scavenge") && out.contains("PS MarkSweep"), out);
    }

    @Test
    void keepsTheUsersCollector() throws Exception {
        String out = version(List.of("-XX:+UseSerialGC"), false);
        assertTrue(out.contains("kernels: vector"), out);
        assertTrue(out.contains("Copy") && !out.contains("PS Scavenge"), out);
    }

    @Test
    void noRelaunchKeepsTheScalarKernels() throws Exception {
        String out = version(List.of(), true);
        assertTrue(out.contains("kernels: scalar"), out);
        assertTrue(out.contains("not in the module graph"), out);
    }
}
