package io.mater.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mater.data.EmbeddingStore;
import io.mater.engine.io.SafeTensors;
import io.mater.train.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device}: train/evaluate/predict on OpenCL give the CPU's answers; bad devices and a missing driver get clear messages. */
class OpenClCliTest {
    @TempDir
    Path tmp;

    static void requireOpenCl() {
        io.mater.train.OpenClTrainingTest.openCl();
    }

    @Test
    void trainEvaluatePredictOnOpenClMatchTheCpu() throws Exception {
        requireOpenCl();
        Path store = tmp.resolve("small.safetensors");
        EmbeddingStore.write(store, TestStores.small(4, 12, 4, 16, 3, 1));
        var r = CliTest.run(CliTest.with(CliTest.SMALL, "train", "--data", store.toString(), "--epochs", "2", "--device", "opencl",
                "--out", tmp.resolve("run").toString()));
        assertEquals(0, r.code(), r.err());
        String result = Files.readString(tmp.resolve("run/fold-1/result.json"));
        assertTrue(result.contains("\"device\":\"opencl:0\"") || result.contains("\"device\": \"opencl:0\""), result);
        assertTrue(result.contains("device_peak_bytes"), result);
        Path model = tmp.resolve("run/fold-1/model.safetensors");

        var evalCpu = CliTest.run("evaluate", "--model", model.toString(), "--data", store.toString());
        var evalCl = CliTest.run("evaluate", "--model", model.toString(), "--data", store.toString(), "--device", "opencl");
        assertEquals(0, evalCl.code(), evalCl.err());
        // accuracies and confusion are identical; entropies agree to the printed 4 decimals
        assertEquals(evalCpu.out(), evalCl.out());

        Path outCpu = tmp.resolve("p-cpu.safetensors"), outCl = tmp.resolve("p-cl.safetensors");
        assertEquals(0, CliTest.run("predict", "--model", model.toString(), "--input", store.toString(), "--output", outCpu.toString()).code());
        var p = CliTest.run("predict", "--model", model.toString(), "--input", store.toString(), "--output", outCl.toString(), "--device", "opencl:0");
        assertEquals(0, p.code(), p.err());
        float[] a = SafeTensors.read(outCpu).tensors().get("logits").toArray(), b = SafeTensors.read(outCl).tensors().get("logits").toArray();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4f, "logit " + i);
        assertEquals(SafeTensors.read(outCpu).metadata().get("predicted"), SafeTensors.read(outCl).metadata().get("predicted"));
    }

    @Test
    void badDevicesAreNamed() {
        var r = CliTest.run("train", "--device", "gpu", "--quiet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--device gpu: expected cpu, opencl[:N] or tornado[:N]"), r.err());
        r = CliTest.run("evaluate", "--model", "m", "--data", "d", "--device", "opencl:x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected cpu, opencl[:N] or tornado[:N]"), r.err());
        requireOpenCl();
        r = CliTest.run("train", "--device", "opencl:99", "--quiet");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no OpenCL device 99"), r.err());
    }

    @Test
    void missingOpenClDriverNamesTheFix() throws Exception {
        requireOpenCl(); // the driver is there; hide it from a child JVM (ocl-icd reads OCL_ICD_VENDORS)
        Path none = Files.createDirectories(tmp.resolve("no-vendors"));
        var cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.mater.cli.Main", "train", "--device", "opencl", "--quiet"));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OCL_ICD_VENDORS", none.toString());
        pb.environment().remove("OCL_ICD_FILENAMES");
        pb.environment().put("MATER_NO_RELAUNCH", "1");
        var proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, proc.exitValue(), out);
        assertTrue(out.contains("no OpenCL platform found"), out);
        assertTrue(out.contains("install an OpenCL driver") && out.contains("--device cpu"), out);
    }
}
