package io.mqlab.logs.ship;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * A glob pattern of files to ship: the folder before its first wildcard, and a matcher
 * for the paths under it.
 */
record Glob(Path base, int depth, PathMatcher matcher) {

	static Glob of(String pattern) {
		Path absolute = Path.of(pattern).toAbsolutePath().normalize();
		Path base = absolute.getRoot();
		int depth = 0;
		boolean wild = false;
		for (Path part : absolute) {
			String name = part.toString();
			if (wild || name.contains("*") || name.contains("?") || name.contains("[") || name.contains("{")) {
				wild = true;
				depth = name.contains("**") ? Integer.MAX_VALUE : (depth == Integer.MAX_VALUE) ? depth : depth + 1;
			}
			else {
				base = base.resolve(name);
			}
		}
		if (!wild) {
			return new Glob(base.getParent(), 1, FileSystems.getDefault().getPathMatcher("glob:" + absolute));
		}
		return new Glob(base, depth,
				FileSystems.getDefault().getPathMatcher("glob:" + absolute.toString().replace("\\", "\\\\")));
	}

	/** The regular files that match now. */
	List<Path> matches() {
		if (!Files.isDirectory(this.base)) {
			return List.of();
		}
		try (Stream<Path> paths = Files.walk(this.base, this.depth)) {
			return paths.filter(this.matcher::matches).filter(Files::isRegularFile).sorted().toList();
		}
		catch (IOException | UncheckedIOException ex) {
			return List.of();
		}
	}

	/**
	 * A file with that file key in the glob's folders, matched or not (a rotated one).
	 */
	Path sibling(String fileKey) {
		if (!Files.isDirectory(this.base)) {
			return null;
		}
		try (Stream<Path> paths = Files.walk(this.base, this.depth)) {
			return paths.filter((path) -> fileKey.equals(LogShipper.fileKey(path))).findFirst().orElse(null);
		}
		catch (IOException | UncheckedIOException ex) {
			return null;
		}
	}

}
