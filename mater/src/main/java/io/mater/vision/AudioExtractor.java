package io.mater.vision;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The audio track of a video as mono float PCM at a chosen rate (16 kHz for the audio network), decoded by
 * ffmpeg: {@code -map 0:a:0 -af aresample=RATE:resampler=soxr:async=1:first_pts=0:ochl=mono:rematrix_maxval=1
 * -ac 1 -f f32le pipe:1}.
 *
 * <p>Sample i is at time i / rate on the same timeline as {@link VideoDecoder}'s frame times: when the audio
 * stream starts after 0 it is preceded by silence ({@code first_pts=0}), and gaps or drift in the audio
 * timestamps are corrected by padding or trimming ({@code async=1}). Channels are averaged
 * ({@code rematrix_maxval=1}; ffmpeg's plain {@code -ac 1} would sum stereo with weights 0.707 and can exceed
 * full scale). Resampling uses libsoxr when ffmpeg has it (Debian's does), else ffmpeg's own resampler; its
 * ringing can take samples of a full-scale input slightly beyond [-1, 1].
 */
public final class AudioExtractor {
    private static volatile boolean soxr = true;

    private AudioExtractor() {}

    /** Mono samples (full scale +-1) at {@code sampleRate} Hz, with the system's ffmpeg. */
    public static float[] read(Path video, int sampleRate) {
        return read(Ffmpeg.system(), video, sampleRate);
    }

    public static float[] read(Ffmpeg ff, Path video, int sampleRate) {
        if (sampleRate < 1000 || sampleRate > 384_000) {
            throw new IllegalArgumentException("sample rate must be 1000..384000 Hz, got " + sampleRate);
        }
        if (!Files.isRegularFile(video)) throw new VideoException(video, "media file not found: " + video);
        if (soxr) {
            try {
                return run(ff, video, sampleRate, ":resampler=soxr");
            } catch (VideoException e) {
                if (!e.getMessage().contains("soxr")) throw e;
                soxr = false; // this ffmpeg was built without libsoxr
            }
        }
        return run(ff, video, sampleRate, "");
    }

    private static float[] run(Ffmpeg ff, Path video, int rate, String resampler) {
        var cmd = List.of(ff.ffmpeg(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
                "-i", video.toString(), "-map", "0:a:0", "-vn", "-sn", "-dn",
                "-af", "aresample=" + rate + resampler + ":async=1:first_pts=0:ochl=mono:rematrix_maxval=1", "-ac", "1",
                "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1");
        byte[] bytes;
        try (var p = FfmpegProcess.start(video, cmd, line -> false)) {
            try {
                bytes = p.stdout().readAllBytes();
            } catch (IOException e) {
                throw new VideoException(video, "cannot read decoded audio of " + video + ": " + e.getMessage(), e);
            }
            int code = p.waitFor();
            if (code != 0) throw p.failure("extract audio from", code);
        }
        if (bytes.length % 4 != 0) {
            throw new VideoException(video, "decoded audio of " + video + " is " + bytes.length + " bytes, not whole floats");
        }
        var out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
