package io.mater;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real data shared beside the repository ({@code ../shared/data} from the repository root, read
 * in place, never copied): walks up from the working directory and takes the first {@code shared/data}
 * found; {@code -Dmater.shared.data=DIR} or {@code MATER_SHARED_DATA=DIR} override the search.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared data directory; throws with an explanation when it cannot be found. */
    public static Path dir() {
        var override = System.getProperty("mater.shared.data", System.getenv("MATER_SHARED_DATA"));
        if (override != null && !override.isBlank()) {
            var p = Path.of(override).toAbsolutePath();
            if (!Files.isDirectory(p)) throw new IllegalStateException("mater.shared.data / MATER_SHARED_DATA = " + p + " is not a directory");
            return p;
        }
        var start = Path.of("").toAbsolutePath();
        for (var d = start; d != null; d = d.getParent()) {
            var candidate = d.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("shared test data not found: no shared/data directory in " + start + " or any parent "
                + "(expected ../shared/data beside the repository root; set -Dmater.shared.data=DIR to point at it)");
    }

    /** A path inside the shared data directory, which must exist. */
    public static Path path(String relative) {
        var p = dir().resolve(relative);
        if (!Files.exists(p)) throw new IllegalStateException("shared test data " + p + " is missing");
        return p;
    }
}
