package io.mater.cli;

import io.mater.engine.Autograd;
import io.mater.engine.Parallel;
import io.mater.engine.Tensor;
import io.mater.engine.io.Json;
import io.mater.engine.io.SafeTensors;
import io.mater.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Set;

/** {@code predict}: logits of a saved model for audio/video windows in a safetensors file. */
final class PredictCommand implements Main.Command {
    @Override
    public String summary() {
        return "run a saved model on audio/video [N, T, d] windows and write the logits";
    }

    @Override
    public String help() {
        return """
                usage: mater predict --model MODEL.safetensors --input IN.safetensors --output OUT.safetensors [--force]

                IN holds 'audio' and/or 'video' [N, T, d] (an embedding store works). OUT gets 'logits' [N, C]
                (the fused prediction), 'audio_logits' and 'video_logits' for the branches the model has,
                and 'probabilities' [N, C]; its metadata lists the class names and the predicted class of
                each clip. OUT is written atomically and not overwritten without --force.
                """;
    }

    @Override
    public int run(String[] argv) throws Exception {
        var a = new Args("predict", argv, Set.of("model", "input", "output", "threads"), Set.of("force"));
        if (a.has("threads")) Parallel.setThreads(a.integer("threads", 1));
        Path modelFile = Path.of(a.required("model")), in = Path.of(a.required("input")), out = Path.of(a.required("output"));
        for (Path p : new Path[] {modelFile, in}) if (!Files.exists(p)) throw new java.io.FileNotFoundException(p + ": no such file");
        if (Files.exists(out) && !a.flag("force")) throw new IllegalArgumentException(out + " exists; pass --force to overwrite it");
        var loaded = ModelFile.load(modelFile);
        var model = loaded.model();
        var c = model.config;
        var tensors = SafeTensors.read(in).tensors();
        Tensor audio = tensors.get("audio"), video = tensors.get("video");
        if (c.modality().hasAudio() && audio == null) throw new IllegalArgumentException(in + " has no 'audio' tensor, which this " + c.modality().key() + " model needs");
        if (c.modality().hasVideo() && video == null) throw new IllegalArgumentException(in + " has no 'video' tensor, which this " + c.modality().key() + " model needs");
        if (audio != null && video != null && c.modality() == io.mater.model.Modality.AV && (audio.size(0) != video.size(0) || audio.size(1) != video.size(1)))
            throw new IllegalArgumentException(in + ": audio " + java.util.Arrays.toString(audio.shape()) + " and video " + java.util.Arrays.toString(video.shape()) + " differ in N or T");
        for (var e : new Object[][] {{"audio", audio}, {"video", video}}) {
            Tensor t = (Tensor) e[1];
            if (t == null) continue;
            float[] d = t.toArray();
            for (int i = 0; i < d.length; i++)
                if (!Float.isFinite(d[i])) throw new IllegalArgumentException(in + ": " + e[0] + " of clip " + i / (t.size(1) * t.size(2)) + " holds " + d[i]);
        }
        io.mater.model.Mater.Output o;
        try (var ignored = Autograd.noGrad()) {
            o = model.forward(c.modality().hasAudio() ? audio : null, c.modality().hasVideo() ? video : null);
        }
        var result = new LinkedHashMap<String, Tensor>();
        result.put("logits", o.logits());
        if (o.audioLogits() != null) result.put("audio_logits", o.audioLogits());
        if (o.videoLogits() != null) result.put("video_logits", o.videoLogits());
        result.put("probabilities", o.logits().softmax(-1));
        var meta = new LinkedHashMap<String, String>();
        var names = loaded.classNames();
        int[] pred = io.mater.train.Metrics.argmax(o.logits());
        if (names != null) {
            meta.put("class_names", Json.write(names));
            meta.put("predicted", Json.write(java.util.Arrays.stream(pred).mapToObj(names::get).toList()));
        } else {
            meta.put("predicted", Json.write(pred));
        }
        meta.put("model", modelFile.toString());
        SafeTensors.write(out, result, meta);
        System.out.println("wrote " + out + ": " + pred.length + " clips");
        return 0;
    }
}
