package io.mater.vision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the project's shared real data ({@code shared/data}, a sibling of the repository root). */
final class TestData {
    private TestData() {}

    /**
     * {@code shared/data}: walks up from the working directory (Maven runs tests in the module directory)
     * looking for {@code shared/data} next to one of the ancestors; fails with a clear message when absent.
     */
    static Path sharedData() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("shared/data not found above " + dir
                + " (the real-data tests need ../shared/data relative to the repository root)");
    }

    static Path video(String relative) {
        Path p = sharedData().resolve("video").resolve(relative);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing test video " + p);
        return p;
    }

    /** A test resource as a path (resources are plain files under target/test-classes). */
    static Path resource(String name) {
        var url = TestData.class.getResource("/" + name);
        if (url == null) throw new IllegalStateException("missing test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static InputStream open(String name) throws IOException {
        return Files.newInputStream(resource(name));
    }
}
