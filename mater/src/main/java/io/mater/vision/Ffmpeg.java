package io.mater.vision;

/**
 * Where the {@code ffmpeg} and {@code ffprobe} executables are: names looked up on the PATH, or paths.
 * ffmpeg 5.1 or newer is needed (for {@code -fps_mode}); Debian 12's package {@code ffmpeg} is 5.1.
 */
public record Ffmpeg(String ffmpeg, String ffprobe) {
    public Ffmpeg {
        if (ffmpeg == null || ffmpeg.isBlank() || ffprobe == null || ffprobe.isBlank()) {
            throw new IllegalArgumentException("ffmpeg and ffprobe executables must be named, got '" + ffmpeg
                    + "', '" + ffprobe + "'");
        }
    }

    /** {@code -Dmater.ffmpeg} / {@code -Dmater.ffprobe} when set, else {@code ffmpeg} / {@code ffprobe} on the PATH. */
    public static Ffmpeg system() {
        return new Ffmpeg(System.getProperty("mater.ffmpeg", "ffmpeg"), System.getProperty("mater.ffprobe", "ffprobe"));
    }
}
