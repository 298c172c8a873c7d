package io.mater.model;

import io.mater.engine.Rng;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import io.mater.nn.Module;

/**
 * MATER (Ghaleb, Niehues & Asteriadis 2022): an audio and a video branch, each a Transformer encoder over
 * the T window embeddings of its modality, mean-pooled and classified; in the audio-visual model the two
 * branches' logits are averaged (Eq. 5). Keys {@code audio.*} and {@code video.*} as in mater_ref.py.
 */
public final class Mater extends Module {
    public final MaterConfig config;
    private final Branch audio, video;
    /** Initialisation and then dropout masks draw from this generator; checkpoints save its state. */
    public final Rng rng;

    /** Fused logits [B, C] and each branch's (null for a branch the model lacks). */
    public record Output(Tensor logits, Branch.Output audio, Branch.Output video) {
        public Tensor audioLogits() {
            return audio == null ? null : audio.logits();
        }

        public Tensor videoLogits() {
            return video == null ? null : video.logits();
        }
    }

    /** Builds the network with PyTorch's initialisation drawn from rng; dropout masks then draw from it too. */
    public Mater(MaterConfig config, Rng rng) {
        this.config = config;
        this.rng = rng;
        audio = config.modality().hasAudio() ? registerModule("audio", new Branch(config, rng)) : null;
        video = config.modality().hasVideo() ? registerModule("video", new Branch(config, rng)) : null;
    }

    public Mater(MaterConfig config, long seed) {
        this(config, new Rng(seed));
    }

    public Output forward(Tensor audioIn, Tensor videoIn) {
        return forward(audioIn, videoIn, null, false, false);
    }

    /**
     * audioIn, videoIn [B, T, d] (the one a single-modality model lacks may be null); padding [B, T] marks
     * windows to ignore (nonzero), or null.
     */
    public Output forward(Tensor audioIn, Tensor videoIn, Tensor padding, boolean keepHidden, boolean keepWeights) {
        Branch.Output a = null, v = null;
        if (audio != null) a = audio.forward(check("audio", audioIn), padding, keepHidden, keepWeights);
        if (video != null) v = video.forward(check("video", videoIn), padding, keepHidden, keepWeights);
        Tensor logits = a != null && v != null ? a.logits().add(v.logits()).mul(0.5f) : a != null ? a.logits() : v.logits();
        return new Output(logits, a, v);
    }

    private Tensor check(String name, Tensor x) {
        if (x == null) throw new IllegalArgumentException("this " + config.modality().key() + " model needs " + name + " input [B, T, " + config.d() + "]");
        if (x.dim() != 3 || x.size(2) != config.d())
            throw new IllegalArgumentException(name + " input must be [B, T, " + config.d() + "], got " + Shape.str(x.shape()));
        return x;
    }

    public Branch audio() {
        return audio;
    }

    public Branch video() {
        return video;
    }
}
