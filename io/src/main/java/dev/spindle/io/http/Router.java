package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Immutable. Sends each request to the actor of the first route whose method and path pattern
 * match; {@code 404} when no pattern matches the path, {@code 405} when one does but not for this
 * method. A pattern is literal segments and {@code :name} parameters ({@code /users/:id}),
 * optionally ending in {@code *} (any rest); parameters are read with {@link HttpRequest#pathParam}.
 * Matching runs on the server's loop over the request's bytes, and allocates nothing.
 */
public final class Router {

    /** An array, not a list: matching runs per request on the loop, and allocates no iterator. */
    private final Route[] routes;

    private Router(List<Route> routes) {
        this.routes = routes.toArray(Route[]::new);
    }

    /** {@return a router that sends every request to {@code handler}} */
    public static Router to(ActorRef<HttpRequest> handler) {
        return builder().any("/*", handler).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What {@link #route} found: the route, or the status to answer with. */
    Route route(HttpRequest request) {
        boolean pathMatched = false;
        for (Route route : routes) {
            if (route.matches(request)) {
                if (route.method == null || route.method == request.method()
                        || (route.method == HttpMethod.GET && request.method() == HttpMethod.HEAD)) {
                    route.capture(request);
                    return route;
                }
                pathMatched = true;
            }
        }
        return pathMatched ? METHOD_NOT_ALLOWED : NOT_FOUND;
    }

    static final Route NOT_FOUND = new Route(null, "/", null);
    static final Route METHOD_NOT_ALLOWED = new Route(null, "/", null);

    /** Collects routes, in the order they are tried. Not thread-safe. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        private Builder() {
        }

        /** A route for GET (and HEAD, answered without a body). */
        public Builder get(String pattern, ActorRef<HttpRequest> handler) {
            return route(HttpMethod.GET, pattern, handler);
        }

        public Builder post(String pattern, ActorRef<HttpRequest> handler) {
            return route(HttpMethod.POST, pattern, handler);
        }

        public Builder put(String pattern, ActorRef<HttpRequest> handler) {
            return route(HttpMethod.PUT, pattern, handler);
        }

        public Builder delete(String pattern, ActorRef<HttpRequest> handler) {
            return route(HttpMethod.DELETE, pattern, handler);
        }

        /** A route for any method. */
        public Builder any(String pattern, ActorRef<HttpRequest> handler) {
            return route(null, pattern, handler);
        }

        /** A route for {@code method} (null: any). */
        public Builder route(HttpMethod method, String pattern, ActorRef<HttpRequest> handler) {
            Objects.requireNonNull(handler, "handler");
            routes.add(new Route(method, pattern, handler::tell));
            return this;
        }

        /**
         * A route for {@code method} (null: any) to an actor whose protocol wraps requests: each
         * request is told as {@code adapter.apply(request)}.
         */
        public <M> Builder route(HttpMethod method, String pattern, ActorRef<M> handler,
                Function<HttpRequest, ? extends M> adapter) {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(adapter, "adapter");
            routes.add(new Route(method, pattern, request -> handler.tell(adapter.apply(request))));
            return this;
        }

        /**
         * The route added last hands its requests over as soon as their heads are in, and their
         * bodies are read at the handler's pace with {@link HttpRequest#streamBody} instead of
         * being collected first (so {@link HttpServerOptions#maxBodySize()} does not apply):
         * uploads of any size, with backpressure.
         */
        public Builder streamingBody() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("add a route first");
            }
            routes.set(routes.size() - 1, routes.getLast().streaming());
            return this;
        }

        public Router build() {
            return new Router(routes);
        }
    }

    /** Immutable. One method and pattern. */
    static final class Route {
        final HttpMethod method;
        /** Hands a matched request to its actor (on the loop: tells, never runs user code but an adapter). */
        final Consumer<HttpRequest> handler;
        /** Whether requests go to the handler at their head, their body streamed. */
        final boolean streamsBody;
        private final String pattern;
        /** Per segment: its literal bytes, or null for a parameter. */
        private final byte[][] literals;
        private final String[] paramNames;
        private final boolean rest;

        Route(HttpMethod method, String pattern, Consumer<HttpRequest> handler) {
            this(method, pattern, handler, false);
        }

        private Route(HttpMethod method, String pattern, Consumer<HttpRequest> handler, boolean streamsBody) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a route pattern starts with /: " + pattern);
            }
            this.method = method;
            this.handler = handler;
            this.pattern = pattern;
            this.streamsBody = streamsBody;
            String body = pattern.substring(1);
            boolean wildcard = body.equals("*") || body.endsWith("/*");
            if (wildcard) {
                body = body.substring(0, body.length() - 1);
                if (body.endsWith("/")) {
                    body = body.substring(0, body.length() - 1);
                }
            }
            this.rest = wildcard;
            String[] segments = body.isEmpty() ? new String[0] : body.split("/", -1);
            literals = new byte[segments.length][];
            List<String> names = new ArrayList<>();
            for (int i = 0; i < segments.length; i++) {
                if (segments[i].startsWith(":")) {
                    if (segments[i].length() == 1) {
                        throw new IllegalArgumentException("a parameter needs a name: " + pattern);
                    }
                    names.add(segments[i].substring(1));
                } else {
                    literals[i] = segments[i].getBytes(StandardCharsets.US_ASCII);
                }
            }
            paramNames = names.toArray(String[]::new);
        }

        /** {@return the pattern as given: a metrics label, bounded by the router's size} */
        String pattern() {
            return pattern;
        }

        Route streaming() {
            return new Route(method, pattern, handler, true);
        }

        /** {@return whether the request's path fits this pattern} (parameters are captured by {@link #capture}) */
        boolean matches(HttpRequest r) {
            return walk(r, false);
        }

        void capture(HttpRequest r) {
            r.paramNames = paramNames;
            r.paramCount = 0;
            if (r.paramOffsets.length < 2 * paramNames.length) {
                r.paramOffsets = new int[2 * paramNames.length];
            }
            walk(r, true);
        }

        private boolean walk(HttpRequest r, boolean capture) {
            byte[] h = r.head;
            int i = r.targetStart;
            int end = r.pathEnd;
            if (i >= end || h[i] != '/') {
                return false;
            }
            if (literals.length == 0) {
                return rest || end - i == 1;
            }
            for (byte[] literal : literals) {
                if (i >= end || h[i] != '/') {
                    return false;
                }
                int start = ++i;
                while (i < end && h[i] != '/') {
                    i++;
                }
                if (literal == null) {
                    if (i == start) {
                        return false;
                    }
                    if (capture) {
                        r.paramOffsets[2 * r.paramCount] = start;
                        r.paramOffsets[2 * r.paramCount + 1] = i;
                        r.paramCount++;
                    }
                } else if (i - start != literal.length || !java.util.Arrays.equals(h, start, i, literal, 0, literal.length)) {
                    return false;
                }
            }
            return rest || i == end;
        }
    }
}
