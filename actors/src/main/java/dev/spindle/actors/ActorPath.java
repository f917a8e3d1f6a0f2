package dev.spindle.actors;

import java.util.Objects;

/**
 * Immutable. Where an actor lives in its system's tree: {@code /user/parent/child}. Two actors
 * spawned one after the other under the same name have equal paths; {@link ActorRef}s tell them
 * apart.
 *
 * @param parent the parent's path, or {@code null} for the root
 * @param name   the actor's name among its siblings
 */
public record ActorPath(ActorPath parent, String name) {

    public ActorPath {
        Objects.requireNonNull(name, "name");
    }

    /** {@return the root of a system's tree} */
    public static ActorPath root() {
        return new ActorPath(null, "");
    }

    /** {@return the path of a child with the given name} */
    public ActorPath child(String childName) {
        return new ActorPath(this, childName);
    }

    @Override
    public String toString() {
        if (parent == null) {
            return "/";
        }
        StringBuilder path = new StringBuilder();
        append(path);
        return path.toString();
    }

    private void append(StringBuilder path) {
        if (parent != null) {
            parent.append(path);
            path.append('/').append(name);
        }
    }
}
