package dev.spindle.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.1 request over a plain socket, {@code Connection: close}: {@return the status} (the module path has no java.net.http here). */
final class RawHttp {

    private RawHttp() {
    }

    static int request(int port, String method, String path, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (bytes.length > 0 || method.equals("POST") ? "Content-Length: " + bytes.length + "\r\n" : "")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!answer.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP answer: " + answer);
            }
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    static int get(int port, String path) throws IOException {
        return request(port, "GET", path, "");
    }
}
