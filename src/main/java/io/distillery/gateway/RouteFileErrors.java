package io.distillery.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.ResolveEndpointFailedException;

/**
 * Turns Camel's failure to create a route from routes/*.yaml into one line a PACS administrator can act on:
 * {@code routes/x.yaml:12: unknown option 'prot' of dicom:scp (route x)}. Camel names the file but not the line;
 * the line is where the offending option or endpoint is written in that file.
 */
public final class RouteFileErrors {
    private static final Pattern SOURCE = Pattern.compile("\\(source: (?:file:)?([^)]+?)(?::(\\d+))?\\)");
    private static final Pattern UNKNOWN_PARAMETERS = Pattern.compile("Unknown parameters=\\[\\{(.*)}]");
    private static final Pattern NO_COMPONENT = Pattern.compile(
            "(?:No component found with scheme: |No endpoint could be found for: )([\\w.+-]+?)(?::|$|\\s)");
    /** Where serve reads the route files (camel.main.routes-include-pattern=file:routes/*.yaml). */
    private static final Path ROUTES = Path.of("routes");

    private RouteFileErrors() {
    }

    /** The one-line explanation, if {@code failure} (or a cause) is a route that could not be created. */
    public static Optional<String> describe(Throwable failure) {
        FailedToCreateRouteException route = find(failure, FailedToCreateRouteException.class);
        if (route == null) {
            return Optional.empty();
        }
        Matcher source = SOURCE.matcher(String.valueOf(route.getMessage()));
        boolean named = source.find();
        String file = named ? source.group(1) : fileDefining(route.getRouteId());
        String line = named ? source.group(2) : null;
        String problem;
        String needle;
        ResolveEndpointFailedException endpoint = find(route, ResolveEndpointFailedException.class);
        String text = allMessages(route);
        Matcher unknown = UNKNOWN_PARAMETERS.matcher(text);
        Matcher scheme = NO_COMPONENT.matcher(text);
        if (unknown.find()) {
            String options = unknown.group(1);
            needle = options.split("[=,]", 2)[0].trim();
            String uri = endpoint == null ? "" : " of " + endpoint.getUri().replaceFirst("\\?.*", "")
                    .replaceFirst("://", ":");
            problem = "unknown option " + List.of(options.split(",\\s*")).stream()
                    .map(o -> "'" + o.split("=", 2)[0].trim() + "'").reduce((a, b) -> a + ", " + b).orElse("")
                    + uri;
        } else if (scheme.find()) {
            needle = scheme.group(1) + ":";
            problem = "unknown endpoint '" + scheme.group(1) + ":' (no such Camel component)";
        } else {
            Throwable root = route;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            needle = null;
            problem = String.valueOf(root.getMessage());
        }
        String where;
        if (file == null) {
            where = "routes";
        } else {
            Path path = Files.exists(Path.of(file)) ? Path.of(file) : ROUTES.resolve(Path.of(file).getFileName());
            where = path + (line != null ? ":" + line : lineOf(path, needle));
        }
        return Optional.of(where + ": " + problem + " (route " + route.getRouteId() + ")");
    }

    /** Camel does not always name the file: find the one that declares the route id. */
    private static String fileDefining(String routeId) {
        if (routeId == null) {
            return null;
        }
        Pattern id = Pattern.compile("^\\s*(-\\s*)?id:\\s*[\"']?" + Pattern.quote(routeId) + "[\"']?\\s*(#.*)?$");
        try (var files = Files.list(ROUTES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (Files.readAllLines(f).stream().anyMatch(l -> id.matcher(l).matches())) {
                    return f.toString();
                }
            }
        } catch (IOException e) {
            // no folder to search: the message still names the route
        }
        return null;
    }

    private static String lineOf(Path file, String needle) {
        if (needle == null || needle.isEmpty()) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(file);
            Pattern key = Pattern.compile("(^|[\\s{,?&])" + Pattern.quote(needle) + "(\\s*:|=|$)");
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).replaceFirst("\\s#.*", "");
                if (needle.endsWith(":") ? line.contains(needle) : key.matcher(line).find()) {
                    return ":" + (i + 1);
                }
            }
        } catch (IOException e) {
            // Without the file we still name it and the problem.
        }
        return "";
    }

    private static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
