package dev.spindle.cluster.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few system calls Java has no public API for, through the FFM API: passing a file descriptor
 * to another process over a Unix socket ({@code SCM_RIGHTS}), which round-robin balancing needs
 * to share one listening socket among workers. Linux on 64-bit machines only (the layouts of
 * {@code msghdr} and {@code cmsghdr} below are those of LP64 Linux). Restricted methods: only
 * worker JVMs, which the primary starts with {@code --enable-native-access}, may call these; the
 * primary never does, so it needs no flag.
 */
final class Native {

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    /** {@code msghdr} on LP64 Linux: name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad). */
    private static final long MSGHDR_SIZE = 56;
    /** {@code CMSG_LEN(sizeof(int))} and {@code CMSG_SPACE(sizeof(int))} on LP64 Linux. */
    private static final long CMSG_LEN_INT = 20;
    private static final long CMSG_SPACE_INT = 24;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKETPAIR = function("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMSG = function("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = function("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = function("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = function("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = function("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = function("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = function("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP2 = function("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = function("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = function("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = function("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = function("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSID = function("setsid", FunctionDescriptor.of(JAVA_INT));
    /** Not inherited by processes this one starts. */
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SHUT_RDWR = 2;
    /** No {@code SIGPIPE} when the other side has gone: an error instead. */
    private static final int MSG_NOSIGNAL = 0x4000;
    /** A received descriptor is not inherited by processes this one starts. */
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SO_RCVTIMEO = 20;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    /** {@code sizeof(sockaddr_un)}: the family, then a 108-byte path. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SO_REUSEADDR = 2;

    private Native() {
    }

    /** A native call made in a confined arena; it may throw whatever a method handle throws. */
    @FunctionalInterface
    private interface Call<T> {
        T in(Arena arena) throws Throwable;
    }

    /**
     * {@return what {@code call} returns, run in a fresh confined arena} I/O failures (a call's
     * errno) pass as they are; anything else a method handle throws is a bug, an unchecked one.
     */
    private static <T> T inArena(Call<T> call) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return call.in(arena);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @SuppressWarnings("restricted") // the point of this class; see the class comment for who may call it
    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("no " + name + " in libc")),
                descriptor, Linker.Option.captureCallState("errno"));
    }

    /** {@return whether this platform has what these calls assume: Linux, 64-bit} */
    static boolean supported() {
        return System.getProperty("os.name", "").startsWith("Linux") && ADDRESS.byteSize() == 8;
    }

    /** A system call's failure, with its errno. */
    static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        Failure(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }

    static final int ENOENT = 2;
    static final int ECONNREFUSED = 111;

    private static Failure failure(String call, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        String meaning = switch (errno) {
            case 2 -> " (no such file)";
            case 9 -> " (bad file descriptor)";
            case 13 -> " (permission denied)";
            case 22 -> " (invalid argument)";
            case 24 -> " (too many open files)";
            case 32 -> " (broken pipe: the other side has gone)";
            case 98 -> " (address already in use)";
            case 99 -> " (address not available)";
            case 111 -> " (connection refused)";
            default -> "";
        };
        return new Failure(call + " failed: errno " + errno + meaning, errno);
    }

    /** {@return two connected Unix stream sockets} */
    static int[] socketPair() throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int result = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM, 0, fds);
            if (result != 0) {
                throw failure("socketpair", state);
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        });
    }

    /** Sends {@code fd} over the Unix socket {@code socket} (with one byte of data, as the call needs some). */
    static void sendDescriptor(int socket, int fd) throws IOException {
        inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            Message m = message(arena);
            MemorySegment message = m.header();
            MemorySegment control = m.control();
            control.set(JAVA_LONG, 0, CMSG_LEN_INT);
            control.set(JAVA_INT, 8, SOL_SOCKET);
            control.set(JAVA_INT, 12, SCM_RIGHTS);
            control.set(JAVA_INT, 16, fd);
            long sent = (long) SENDMSG.invokeExact(state, socket, message, MSG_NOSIGNAL);
            if (sent != 1) {
                throw failure("sendmsg", state);
            }
            return null;
        });
    }

    /** {@return a descriptor received on the Unix socket {@code socket}} Blocks until one comes. */
    static int receiveDescriptor(int socket) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            Message m = message(arena);
            MemorySegment message = m.header();
            long received = (long) RECVMSG.invokeExact(state, socket, message, MSG_CMSG_CLOEXEC);
            if (received < 0) {
                throw failure("recvmsg", state);
            }
            MemorySegment control = m.control();
            if (received == 0 || message.get(JAVA_LONG, 40) < CMSG_LEN_INT
                    || control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
                throw new IOException("no descriptor came with the message");
            }
            return control.get(JAVA_INT, 16);
        });
    }

    /** A {@code msghdr} and the control buffer it points to. */
    private record Message(MemorySegment header, MemorySegment control) {
    }

    /** {@return a {@code msghdr} with one byte of data and room for one descriptor} */
    private static Message message(Arena arena) {
        MemorySegment data = arena.allocate(1);
        data.set(JAVA_BYTE, 0, (byte) 1);
        MemorySegment iovec = arena.allocate(16, 8);
        iovec.set(ADDRESS, 0, data);
        iovec.set(JAVA_LONG, 8, 1);
        MemorySegment control = arena.allocate(CMSG_SPACE_INT, 8);
        MemorySegment message = arena.allocate(MSGHDR_SIZE, 8);
        message.set(ADDRESS, 16, iovec);
        message.set(JAVA_LONG, 24, 1);
        message.set(ADDRESS, 32, control);
        message.set(JAVA_LONG, 40, CMSG_SPACE_INT);
        return new Message(message, control);
    }

    /** Writes {@code bytes} to {@code fd}; {@return how many went} */
    static long write(int fd, byte[] bytes) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, bytes);
            long n = (long) WRITE.invokeExact(state, fd, buffer, (long) bytes.length);
            if (n < 0) {
                throw failure("write", state);
            }
            return n;
        });
    }

    /** Reads up to {@code max} bytes from {@code fd}. */
    static byte[] read(int fd, int max) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buffer = arena.allocate(max);
            long n = (long) READ.invokeExact(state, fd, buffer, (long) max);
            if (n < 0) {
                throw failure("read", state);
            }
            return buffer.asSlice(0, n).toArray(JAVA_BYTE);
        });
    }

    /**
     * {@return a TCP socket listening on {@code address}} ({@code SO_REUSEADDR} set), made by the
     * system calls themselves, so that its descriptor can be passed on.
     */
    static int listenTcp(java.net.InetSocketAddress address, int backlog) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            boolean v6 = address.getAddress() instanceof java.net.Inet6Address;
            return socket(state, v6 ? AF_INET6 : AF_INET, fd -> {
                MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
                if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_REUSEADDR, one, 4) != 0) {
                    throw failure("setsockopt", state);
                }
                if (v6 && address.getAddress().isAnyLocalAddress()) {
                    // both IPv6 and IPv4, as Java's own wildcard listeners
                    MemorySegment zero = arena.allocateFrom(JAVA_INT, 0);
                    if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_IPV6, IPV6_V6ONLY, zero, 4) != 0) {
                        throw failure("setsockopt IPV6_V6ONLY", state);
                    }
                }
                MemorySegment sockaddr = sockaddr(arena, address, v6);
                bindAndListen(state, fd, sockaddr, address, backlog);
            });
        });
    }

    /**
     * {@return a Unix stream socket listening at {@code path}} (a new file: the caller removes it
     * when done). Not inherited by child processes.
     */
    static int listenUnix(java.nio.file.Path path, int backlog) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment sockaddr = sockaddrUn(arena, path);
            return socket(state, AF_UNIX, fd -> bindAndListen(state, fd, sockaddr, path, backlog));
        });
    }

    /** {@return a Unix stream socket connected to {@code path}} Fails when no process listens there. */
    static int connectUnix(java.nio.file.Path path) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment sockaddr = sockaddrUn(arena, path);
            return socket(state, AF_UNIX, fd -> {
                if ((int) CONNECT.invokeExact(state, fd, sockaddr, SOCKADDR_UN_SIZE) != 0) {
                    throw failure("connect to " + path, state);
                }
                // a holder that took the connection but never answers must not hold us for ever
                MemorySegment timeout = arena.allocate(16, 8);
                timeout.set(JAVA_LONG, 0, 5L); // seconds
                timeout.set(JAVA_LONG, 8, 0L);
                if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16) != 0) {
                    throw failure("setsockopt SO_RCVTIMEO", state);
                }
            });
        });
    }

    /** Sets up a new socket; a failure closes it. */
    @FunctionalInterface
    private interface SetUp {
        void on(int fd) throws Throwable;
    }

    /** {@return a new stream socket of {@code family}, close-on-exec, as {@code setUp} leaves it (closed if that fails)} */
    private static int socket(MemorySegment state, int family, SetUp setUp) throws Throwable {
        int fd = (int) SOCKET.invokeExact(state, family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket", state);
        }
        try {
            setUp.on(fd);
            return fd;
        } catch (Throwable t) {
            close(fd);
            throw t;
        }
    }

    /** Binds {@code fd} to {@code sockaddr} (the whole segment) and listens. */
    private static void bindAndListen(MemorySegment state, int fd, MemorySegment sockaddr, Object where, int backlog)
            throws Throwable {
        if ((int) BIND.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize()) != 0) {
            throw failure("bind to " + where, state);
        }
        if ((int) LISTEN.invokeExact(state, fd, backlog) != 0) {
            throw failure("listen", state);
        }
    }

    /** {@return a connection accepted on the listening socket {@code fd}} Blocks until one comes or {@link #shutdown} stops it. */
    static int accept(int fd) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            int connection = (int) ACCEPT4.invokeExact(state, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            if (connection < 0) {
                throw failure("accept", state);
            }
            return connection;
        });
    }

    /**
     * Makes this process the leader of a session of its own ({@code setsid(2)}): a terminal's
     * Ctrl-C (SIGINT to the foreground process group) no longer reaches it. Fails (EPERM) if the
     * process leads its process group already.
     */
    static void newSession() throws IOException {
        inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) SETSID.invokeExact(state) < 0) {
                throw failure("setsid", state);
            }
            return null;
        });
    }

    /** Shuts a socket down both ways: a thread blocked in {@link #accept} on it returns with a failure. */
    static void shutdown(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(arena.allocate(CALL_STATE), fd, SHUT_RDWR);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code sockaddr_un}: the family in host order, then the path, NUL-terminated. */
    private static MemorySegment sockaddrUn(Arena arena, java.nio.file.Path path) throws IOException {
        byte[] name = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IOException("a Unix socket path must be shorter than " + (SOCKADDR_UN_SIZE - 2) + " bytes: " + path);
        }
        MemorySegment sockaddr = arena.allocate(SOCKADDR_UN_SIZE, 2);
        sockaddr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(MemorySegment.ofArray(name), 0, sockaddr, 2, name.length);
        return sockaddr;
    }

    /** {@code sockaddr_in} (16 bytes) or {@code sockaddr_in6} (28): family in host order, port and address in network order. */
    private static MemorySegment sockaddr(Arena arena, java.net.InetSocketAddress address, boolean v6) {
        byte[] ip = address.getAddress().getAddress();
        MemorySegment sockaddr = arena.allocate(v6 ? 28 : 16, 4);
        sockaddr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
        sockaddr.set(JAVA_BYTE, 2, (byte) (address.getPort() >>> 8));
        sockaddr.set(JAVA_BYTE, 3, (byte) address.getPort());
        MemorySegment.copy(MemorySegment.ofArray(ip), 0, sockaddr, v6 ? 8 : 4, ip.length);
        return sockaddr;
    }

    /**
     * Makes {@code listening} this process's standard input and returns it as the channel Java's
     * {@link System#inheritedChannel()} gives for a listening socket there (the one public way to
     * turn a descriptor into a {@code ServerSocketChannel}). Once per process: the JDK asks once.
     */
    static java.nio.channels.ServerSocketChannel asInheritedChannel(int listening) throws IOException {
        inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) DUP2.invokeExact(state, listening, 0) != 0) {
                throw failure("dup2", state);
            }
            return null;
        });
        if (!(System.inheritedChannel() instanceof java.nio.channels.ServerSocketChannel channel)) {
            throw new IOException("standard input did not become a listening channel (was System.inheritedChannel() "
                    + "asked before?)");
        }
        return channel;
    }

    /** {@return a copy of {@code fd}, numbered 3 or above, not inherited by child processes} */
    static int dup(int fd) throws IOException {
        return inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            int copy = (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, 3);
            if (copy < 0) {
                throw failure("fcntl F_DUPFD_CLOEXEC", state);
            }
            return copy;
        });
    }

    /** Makes {@code target} a copy of {@code fd} (closing what {@code target} was). */
    static void dup2(int fd, int target) throws IOException {
        inArena(arena -> {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) DUP2.invokeExact(state, fd, target) != target) {
                throw failure("dup2", state);
            }
            return null;
        });
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
