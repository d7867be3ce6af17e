package io.mqlab.messaging.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a real broker, so a test can make the broker unreachable for
 * one client (connections reset, new ones refused) and bring it back on the same port.
 */
public final class TcpProxy implements AutoCloseable {

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

	private static int freePort() {
		try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
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
