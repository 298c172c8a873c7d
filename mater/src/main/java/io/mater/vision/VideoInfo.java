package io.mater.vision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ffprobe} says about a media file: container duration and start, and its streams.
 *
 * @param duration  container duration in seconds (NaN when unknown)
 * @param startTime container start time in seconds (NaN when unknown)
 */
public record VideoInfo(Path file, String formatName, double duration, double startTime, List<StreamInfo> streams) {
    /**
     * One stream. For video: width, height and frame rates (frames per second; avgFrameRate is frames /
     * duration, rFrameRate the base rate; they differ for variable frame rate). For audio: sampleRate and
     * channels. Unknown numbers are 0 (NaN for doubles).
     */
    public record StreamInfo(int index, String type, String codec, int width, int height, double avgFrameRate,
                             double rFrameRate, int sampleRate, int channels, double startTime, double duration) {}

    public Optional<StreamInfo> video() {
        return streams.stream().filter(s -> s.type().equals("video")).findFirst();
    }

    public Optional<StreamInfo> audio() {
        return streams.stream().filter(s -> s.type().equals("audio")).findFirst();
    }

    public static VideoInfo probe(Path file) {
        return probe(Ffmpeg.system(), file);
    }

    /** Runs ffprobe on the file; a {@link VideoException} names the file when it is missing or unreadable. */
    public static VideoInfo probe(Ffmpeg ff, Path file) {
        if (!Files.isRegularFile(file)) throw new VideoException(file, "media file not found: " + file);
        var cmd = List.of(ff.ffprobe(), "-v", "error", "-show_entries",
                "format=format_name,duration,start_time:stream=index,codec_type,codec_name,width,height,"
                        + "avg_frame_rate,r_frame_rate,sample_rate,channels,start_time,duration",
                "-of", "compact", file.toString());
        String out;
        int code;
        try (var p = FfmpegProcess.start(file, cmd, line -> false)) {
            try {
                out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new VideoException(file, "cannot read ffprobe output for " + file + ": " + e.getMessage(), e);
            }
            code = p.waitFor();
            if (code != 0) throw p.failure("probe", code);
        }
        String formatName = "";
        double duration = Double.NaN, start = Double.NaN;
        var streams = new ArrayList<StreamInfo>();
        for (String line : out.split("\\R")) {
            String[] parts = line.split("\\|");
            if (parts.length == 0) continue;
            Map<String, String> kv = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int e = parts[i].indexOf('=');
                if (e > 0) kv.put(parts[i].substring(0, e), parts[i].substring(e + 1));
            }
            if (parts[0].equals("format")) {
                formatName = kv.getOrDefault("format_name", "");
                duration = real(kv.get("duration"));
                start = real(kv.get("start_time"));
            } else if (parts[0].equals("stream")) {
                streams.add(new StreamInfo(integer(kv.get("index")), kv.getOrDefault("codec_type", "unknown"),
                        kv.getOrDefault("codec_name", "unknown"), integer(kv.get("width")), integer(kv.get("height")),
                        rate(kv.get("avg_frame_rate")), rate(kv.get("r_frame_rate")), integer(kv.get("sample_rate")),
                        integer(kv.get("channels")), real(kv.get("start_time")), real(kv.get("duration"))));
            }
        }
        return new VideoInfo(file, formatName, duration, start, List.copyOf(streams));
    }

    private static int integer(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double real(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double rate(String s) {
        if (s == null) return 0;
        int slash = s.indexOf('/');
        if (slash < 0) return Math.max(real(s), 0);
        double num = real(s.substring(0, slash)), den = real(s.substring(slash + 1));
        return den > 0 && num >= 0 ? num / den : 0;
    }
}
