package io.mqlab.messaging.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP proxy in front of a real broker, so a test can make the broker unreachable for
 * one client (connections reset, new ones refused) and bring it back on the same port.
 */
public final class TcpProxy implements AutoCloseable {

	/** Above RabbitMQ's distribution port (25672), below the ephemeral range. */
	private static final int FIRST_PORT = 26000;

	private static final int LAST_PORT = 32700;

	/** Ports this JVM handed out (a few dozen at most): never twice. */
	private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

	/** One lock file per port, shared by every test JVM on the machine. */
	private static final Path RESERVATIONS = Path.of(System.getProperty("java.io.tmpdir"), "mqlab-test-ports");

	/** Held until this JVM exits; the operating system releases them even on a kill. */
	private static final List<FileLock> RESERVED = new CopyOnWriteArrayList<>();

	private final int targetPort;

	private final int port;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile ServerSocket server;

	public TcpProxy(int targetPort) {
		this(targetPort, freePort());
	}

	/**
	 * A proxy on a given port, for brokers that tell clients where to reconnect (Kafka
	 * advertises its listeners' addresses).
	 */
	public TcpProxy(int targetPort, int port) {
		this.targetPort = targetPort;
		this.port = port;
		restore();
	}

	/**
	 * A free loopback port below the kernel's ephemeral range (32768 and up by default).
	 * A port that a cut proxy, or a broker or service being restarted, leaves free for a
	 * moment is then not handed to some process's outgoing connection meanwhile (which
	 * happened with ports from {@code new ServerSocket(0)} when several test JVMs ran).
	 */
	public static int freePort() {
		for (int attempt = 0; attempt < 500; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
			// a port is free until its taker binds it: two picks before that got the same
			// one once (a Kafka broker's listeners in a fault run)
			if (!HANDED_OUT.add(port) || !reserve(port)) {
				continue;
			}
			try (ServerSocket probe = new ServerSocket()) {
				probe.setReuseAddress(true);
				probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
				return port;
			}
			catch (IOException taken) {
				// another one
			}
		}
		throw new IllegalStateException("No free port between " + FIRST_PORT + " and " + LAST_PORT);
	}

	/**
	 * Reserves a port across the machine's test JVMs: a port left free by another JVM's
	 * cut proxy looks free to a probe, and was taken by it once.
	 */
	private static boolean reserve(int port) {
		try {
			Files.createDirectories(RESERVATIONS);
			FileChannel channel = FileChannel.open(RESERVATIONS.resolve(port + ".lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			FileLock lock = tryLock(channel);
			if (lock == null) {
				channel.close();
				return false;
			}
			RESERVED.add(lock);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static FileLock tryLock(FileChannel channel) {
		try {
			return channel.tryLock();
		}
		catch (IOException | OverlappingFileLockException ex) {
			return null;
		}
	}

	public int port() {
		return this.port;
	}

	/** The broker becomes unreachable: open connections are reset, new ones refused. */
	public synchronized void cut() {
		closeQuietly(this.server);
		this.server = null;
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		this.sockets.clear();
	}

	/** The broker is reachable again on the same port. */
	public synchronized void restore() {
		if (this.server != null) {
			return;
		}
		try {
			ServerSocket server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
			this.server = server;
			Thread acceptor = new Thread(() -> accept(server), "tcp-proxy-" + this.port);
			acceptor.setDaemon(true);
			acceptor.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot listen on " + this.port, ex);
		}
	}

	private void accept(ServerSocket server) {
		while (!server.isClosed()) {
			try {
				Socket client = server.accept();
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				client.setTcpNoDelay(true);
				target.setTcpNoDelay(true);
				if (!register(server, client, target)) {
					return;
				}
				pump(client, target);
				pump(target, client);
			}
			catch (IOException ex) {
				// closed by cut()
			}
		}
	}

	/**
	 * Keeps a connection only if no cut() happened while it was being accepted: a cut
	 * racing with accept() must not leave one connection through to the broker.
	 */
	private synchronized boolean register(ServerSocket acceptedBy, Socket client, Socket target) {
		if (this.server != acceptedBy) {
			closeQuietly(client);
			closeQuietly(target);
			return false;
		}
		this.sockets.add(client);
		this.sockets.add(target);
		return true;
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// already closed
			}
		}
	}

	@Override
	public void close() {
		cut();
	}

}
