package io.mqlab.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the repository and its working directory ({@code .mqlab}) are: the launcher
 * passes {@code -Dmqlab.root}; tests and IDE runs find the repository by walking up from
 * the working directory.
 *
 * @param root the repository (holds {@code mvnw} and {@code infra/})
 * @param home the working directory for downloaded tools ({@code MQLAB_HOME})
 */
public record ProjectPaths(Path root, Path home) {

	public static ProjectPaths detect() {
		String configured = System.getProperty("mqlab.root");
		Path root = (configured != null) ? Path.of(configured) : findRoot(Path.of("").toAbsolutePath());
		String home = System.getProperty("mqlab.home", System.getenv("MQLAB_HOME"));
		return new ProjectPaths(root, (home != null && !home.isBlank()) ? Path.of(home) : root.resolve(".mqlab"));
	}

	private static Path findRoot(Path start) {
		for (Path dir = start; dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("infra"))) {
				return dir;
			}
		}
		throw new IllegalStateException("Cannot find the mqlab repository above " + start
				+ ": run from inside it, or pass -Dmqlab.root=<repository>");
	}

	public Path mvnw() {
		return this.root.resolve("mvnw");
	}

}
