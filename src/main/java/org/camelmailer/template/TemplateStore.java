package org.camelmailer.template;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheNotFoundException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.codes.IterableCode;
import com.github.mustachejava.codes.NotIterableCode;
import com.github.mustachejava.codes.ValueCode;

/**
 * The message templates of {@code templates/} (MAILER_TEMPLATES_DIR), read from the working directory like
 * {@code routes/}: {@code templates/<name>/subject.mustache}, {@code text.mustache} and/or {@code html.mustache}.
 * The API renders one at accept time, so a template a message cannot use is a 4xx then, never a task that fails later.
 *
 * <p>Rendering: Mustache, HTML-escaped in {@code html} ({@code {{x}}}; {@code {{{x}}}} and {@code {{&x}}} stay raw
 * there, as the author chose), never escaped in {@code text} and {@code subject}. A subject file's trailing line
 * breaks (an editor's last newline) are dropped; a rendered subject holding CR or LF, or over 998 characters, is
 * refused (422), naming the variable that brought the line break when one did. Partials ({@code {{> x}}}) and
 * inheritance ({@code {{< x}}}) are not supported: such a template does not compile (422), so no template can reach
 * a file outside its own folder.
 *
 * <p>Variables: a {@code {{name}}}, {@code {{{name}}}} or {@code {{&name}}} outside any section must be in the
 * request's {@code variables} and not null (a missing one is a 422 naming it); a dotted {@code {{user.name}}} needs
 * {@code user}, its fields are not checked. A section {@code {{#x}}} or inverted section {@code {{^x}}} may be
 * absent or null (false). Names inside a section are resolved against the section's element (and, failing that,
 * the scopes around it, as Mustache does) and are not checked; names inside an inverted section are resolved at top
 * level but only needed when it renders, so they are listed but not required. {@link #list()} gives, per template,
 * the names a request may give at top level: values and section names outside sections, and those inside inverted
 * sections.
 *
 * <p>Edits: each render looks at the last-modified time, size and inode of the template's files (three {@code stat}s,
 * no read; the inode catches an editor's save by rename within the clock's tick) and compiles a file again only
 * when they changed, so an edited or added file is used by the next message with no restart, and an unchanged one
 * is neither read nor compiled; a file that does not compile is remembered the same way, so it is not compiled
 * again for each message either.
 *
 * <p>Why the engine and not {@code mustache:} endpoints: this uses mustache.java, the engine camel-mustache ships,
 * with the same {@link DefaultMustacheFactory} (same syntax, same HTML escaping) as its endpoints, but called
 * directly. The endpoint renders the exchange's variable map ({@code body}, {@code headers}, {@code exchange}) as the
 * scope, so templates would have to say {@code {{body.name}}}; with {@code contentCache=false} it reads and compiles
 * the file for every message, with {@code true} it hides an edit until {@code clearContentCache} is called over JMX;
 * and the accept-time checks (does it compile, which variables does it use) need the compiled template, which the
 * endpoint keeps to itself. Cost is not the reason: rendering the three parts of {@code templates/welcome} took some
 * 10 to 40 µs a message either way on the 2-core machine (three {@code mustache:file:} calls from a ProducerTemplate,
 * with or without contentCache, against this class), and the endpoints rendered {@code {{name}}} as nothing, silently.
 */
public final class TemplateStore {

    /** A template's name: a folder name that cannot leave {@code templates/}. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** RFC 5322's longest line: the rendered subject must fit in one. */
    static final int MAX_SUBJECT_LENGTH = 998;

    /** A template's files, in the order they are listed. */
    enum Part {
        SUBJECT, TEXT, HTML;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        String file() {
            return key() + ".mustache";
        }
    }

    /** Partials would be read from anywhere the name points: none is resolved, a template using one does not compile. */
    private static final MustacheResolver NO_PARTIALS = name -> null;

    private final Path dir;
    private final DefaultMustacheFactory escaping = new DefaultMustacheFactory(NO_PARTIALS);
    private final DefaultMustacheFactory raw = new DefaultMustacheFactory(NO_PARTIALS) {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("Failed to write value: " + value, e);
            }
        }
    };
    /** A part's file as last compiled, by path: used again while its last-modified time, size and inode are the same. */
    private final ConcurrentMap<Path, Compiled> compiled = new ConcurrentHashMap<>();

    /** {@code dir}: the templates folder, relative to the working directory unless absolute; it may not exist (yet). */
    public TemplateStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Renders template {@code name} with {@code variables} (JSON values turned into Map/List/String/Number/Boolean by
     * Jackson; null is taken as no variables).
     *
     * @throws TemplateException 400 a name that is not a safe name, 404 no such template, 422 a template that does
     *                           not compile, a missing variable, a subject with a line break or too long
     */
    public Rendered render(String name, Map<String, Object> variables) throws TemplateException {
        Map<String, Object> scope = variables == null ? Map.of() : variables;
        Map<Part, Compiled> parts = usable(name);
        Set<String> missing = new LinkedHashSet<>();
        for (Compiled part : parts.values()) {
            part.required().stream().filter(v -> scope.get(v) == null).forEach(missing::add);
        }
        if (missing.size() == 1) {
            throw new TemplateException(422, "La variable '" + missing.iterator().next() + "' du modèle '" + name
                    + "' est manquante.");
        }
        if (!missing.isEmpty()) {
            throw new TemplateException(422, "Les variables " + quoted(missing) + " du modèle '" + name
                    + "' sont manquantes.");
        }
        String subject = execute(name, Part.SUBJECT, parts, scope);
        if (subject != null) {
            checkSubject(name, subject, parts.get(Part.SUBJECT), scope);
        }
        return new Rendered(subject, execute(name, Part.TEXT, parts, scope), execute(name, Part.HTML, parts, scope));
    }

    /** Every template, sorted by name, with its parts and the variables it uses (for {@code GET /templates}). */
    public List<TemplateInfo> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names;
        try (Stream<Path> entries = Files.list(dir)) {
            names = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> NAME.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<TemplateInfo> templates = new ArrayList<>();
        for (String name : names) {
            Map<Part, Compiled> parts = parts(name);
            if (parts.isEmpty()) {
                continue;
            }
            // a part that does not compile adds no variable; render names it
            Set<String> variables = new TreeSet<>();
            parts.values().forEach(p -> variables.addAll(p.variables()));
            templates.add(new TemplateInfo(name, parts.keySet().stream().map(Part::key).toList(), List.copyOf(variables)));
        }
        return templates;
    }

    /** The template's parts, each compiled: 400, 404 or 422 otherwise. */
    private Map<Part, Compiled> usable(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new TemplateException(400, "Le nom de modèle '" + shown(name)
                    + "' n'est pas valide : lettres, chiffres, '-' et '_' seulement (64 au plus).");
        }
        Map<Part, Compiled> parts = parts(name);
        if (parts.isEmpty()) {
            throw new TemplateException(404, "Le modèle '" + name + "' n'existe pas.");
        }
        for (Map.Entry<Part, Compiled> part : parts.entrySet()) {
            if (part.getValue().problem() != null) {
                throw new TemplateException(422, "Le modèle '" + name + "' ne compile pas (" + part.getKey().file()
                        + ") : " + part.getValue().problem());
            }
        }
        return parts;
    }

    /** The parts template {@code name} (a safe name) has, from the cache while their files are unchanged. */
    private Map<Part, Compiled> parts(String name) {
        Path folder = dir.resolve(name);
        Map<Part, Compiled> parts = new EnumMap<>(Part.class);
        if (!Files.isDirectory(folder)) {
            compiled.keySet().removeIf(file -> file.getParent().equals(folder));
            return parts;
        }
        for (Part part : Part.values()) {
            Compiled c = part(name, part, folder.resolve(part.file()));
            if (c != null) {
                parts.put(part, c);
            }
        }
        return parts;
    }

    private Compiled part(String name, Part part, Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            compiled.remove(file);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!attributes.isRegularFile()) {
            return null;
        }
        Compiled cached = compiled.get(file);
        if (cached != null && cached.modified().equals(attributes.lastModifiedTime())
                && cached.size() == attributes.size() && Objects.equals(cached.fileKey(), attributes.fileKey())) {
            return cached;
        }
        // read after the stat: a file changed in between is compiled again at the next render, its time having moved
        Compiled fresh = compile(name, part, file, attributes);
        if (fresh != null) {
            compiled.put(file, fresh);
        }
        return fresh;
    }

    private Compiled compile(String name, Part part, Path file, BasicFileAttributes attributes) {
        FileTime modified = attributes.lastModifiedTime();
        long size = attributes.size();
        Object fileKey = attributes.fileKey();
        String source;
        try {
            source = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            return Compiled.broken(modified, size, fileKey, "le fichier n'est pas en UTF-8.");
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (source.startsWith("\uFEFF")) {
            source = source.substring(1);
        }
        if (part == Part.SUBJECT) {
            source = source.replaceFirst("[\r\n]+$", "");
        }
        try {
            Mustache mustache = (part == Part.HTML ? escaping : raw)
                    .compile(new StringReader(source), name + "/" + part.file());
            Set<String> required = new LinkedHashSet<>();
            Set<String> variables = new TreeSet<>();
            names(mustache.getCodes(), true, true, required, variables);
            return new Compiled(modified, size, fileKey, mustache, List.copyOf(required), Set.copyOf(variables), null);
        } catch (MustacheNotFoundException e) {
            return Compiled.broken(modified, size, fileKey, "les partiels ({{> …}}, {{< …}}) ne sont pas pris en charge.");
        } catch (MustacheException e) {
            return Compiled.broken(modified, size, fileKey, e.getMessage());
        }
    }

    /**
     * Collects the top-level names of {@code codes}: {@code required} gets values outside any section,
     * {@code variables} also section names and the names inside inverted sections (rendered at top level).
     */
    private static void names(Code[] codes, boolean topLevel, boolean required, Set<String> requiredNames,
            Set<String> variables) {
        if (codes == null) {
            return;
        }
        for (Code code : codes) {
            String first = firstSegment(code.getName());
            if (code instanceof ValueCode) {
                if (topLevel && first != null) {
                    variables.add(first);
                    if (required) {
                        requiredNames.add(first);
                    }
                }
            } else if (code instanceof IterableCode) {
                if (topLevel && first != null) {
                    variables.add(first);
                }
                names(code.getCodes(), topLevel && code instanceof NotIterableCode, false, requiredNames, variables);
            } else {
                names(code.getCodes(), topLevel, required, requiredNames, variables);
            }
        }
    }

    /** {@code user} for {@code user.name}; null for the implicit iterator {@code .}. */
    private static String firstSegment(String name) {
        if (name == null || name.isEmpty() || name.startsWith(".")) {
            return null;
        }
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static String execute(String name, Part part, Map<Part, Compiled> parts, Map<String, Object> scope) {
        Compiled c = parts.get(part);
        if (c == null) {
            return null;
        }
        try {
            StringWriter out = new StringWriter();
            c.mustache().execute(out, scope);
            return out.toString();
        } catch (MustacheException e) {
            throw new TemplateException(422, "Le modèle '" + name + "' n'a pas pu être rendu (" + part.file() + ") : "
                    + e.getMessage());
        }
    }

    private static void checkSubject(String name, String subject, Compiled part, Map<String, Object> scope) {
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            String culprit = part.variables().stream().sorted()
                    .filter(v -> String.valueOf(scope.get(v)).matches("(?s).*[\r\n].*")).findFirst().orElse(null);
            throw new TemplateException(422, culprit == null
                    ? "Le sujet du modèle '" + name + "' contient un retour à la ligne."
                    : "La variable '" + culprit + "' du modèle '" + name + "' met un retour à la ligne dans le sujet.");
        }
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new TemplateException(422, "Le sujet rendu par le modèle '" + name + "' dépasse "
                    + MAX_SUBJECT_LENGTH + " caractères (" + subject.length() + ").");
        }
    }

    private static String quoted(Set<String> names) {
        return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
    }

    /** A refused name echoed in an error: control characters dropped, cut short. */
    private static String shown(String name) {
        if (name == null) {
            return "";
        }
        String clean = name.replaceAll("\\p{Cntrl}", "");
        return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
    }

    /** One part's file as compiled (or why it does not compile), with the time, size and inode it had then; required in order. */
    private record Compiled(FileTime modified, long size, Object fileKey, Mustache mustache, List<String> required,
            Set<String> variables, String problem) {

        static Compiled broken(FileTime modified, long size, Object fileKey, String problem) {
            return new Compiled(modified, size, fileKey, null, List.of(), Set.of(), problem);
        }
    }
}
