package io.till.automation.engine;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a template with jmustache's own parser, so that the save-time check and rendering see the same tags: which
 * data paths it names, and which tags are refused because they are not data paths of the context.
 */
final class TemplateReader {

    static final String WHOLE_CONTEXT = "{{.}} would print the whole context: name a variable such as "
        + "{{customer.first_name}}";
    static final String NO_INCLUDES = "a template cannot include another template or define blocks";
    static final String UNCLOSED = "an unclosed {{: each {{ needs its }}, or it is sent as typed";
    /**
     * Keys joined by dots. A key never starts with a dash, which keeps out jmustache's {@code -first}, {@code -last}
     * and {@code -index}; {@code this} is refused apart, being jmustache's name for the current value. Each key is
     * matched alone: a pattern repeating a group for each key recurses once per key, and a path of 2,000 keys
     * overflowed the stack.
     */
    private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}_-]*");

    private TemplateReader() {}

    /** A template ready to render, and what it reads. */
    record Read(Template template, Templates.Reading reading) {}

    static Read read(Mustache.Compiler compiler, String text) {
        // A delimiter change hides the tags after it from anyone reading the JSON; a param has no use for one.
        if (text.contains("{{=")) {
            return refused("{{=…=}}: a template cannot change its delimiters");
        }
        Template template;
        try {
            template = compiler.compile(text);
        } catch (MustacheException e) {
            return refused("the template does not parse: " + e.getMessage());
        }
        var paths = new ArrayList<String>();
        var printed = new ArrayList<String>();
        var refusals = new ArrayList<String>();
        template.visit(new EveryTag(paths, printed, refusals));
        template.visit(new TagsReadingTheWholeContext(refusals));
        return new Read(template, new Templates.Reading(List.copyOf(paths), List.copyOf(printed),
            List.copyOf(refusals)));
    }

    private static Read refused(String why) {
        return new Read(null, new Templates.Reading(List.of(), List.of(), List.of(why)));
    }

    private static boolean isPath(String name) {
        return Arrays.stream(name.split("\\.", -1)).allMatch(key -> KEY.matcher(key).matches() && !key.equals("this"));
    }

    /**
     * Every tag at any depth: names must be data paths ({@code .} inside a section is the current item); {@code
     * printed} are the paths of variables, whose values are printed (a section's may be a record or a list it walks).
     */
    private record EveryTag(List<String> paths, List<String> printed, List<String> refusals)
        implements
            Mustache.Visitor {

        @Override
        public void visitText(String text) {
            // jmustache keeps an unclosed tag as text: the buyer would read "Hi {{customer.name".
            if (text.contains("{{")) {
                refusals.add(UNCLOSED);
            }
        }

        @Override
        public void visitVariable(String name) {
            check("", name);
            if (isPath(name)) {
                printed.add(name);
            }
        }

        @Override
        public boolean visitSection(String name) {
            check("#", name);
            return true;
        }

        @Override
        public boolean visitInvertedSection(String name) {
            check("^", name);
            return true;
        }

        @Override
        public boolean visitInclude(String name) {
            refusals.add("{{>" + name + "}}: " + NO_INCLUDES);
            return false;
        }

        @Override
        public boolean visitParent(String name) {
            refusals.add("{{<" + name + "}}: " + NO_INCLUDES);
            return false;
        }

        @Override
        public boolean visitBlock(String name) {
            refusals.add("{{$" + name + "}}: " + NO_INCLUDES);
            return false;
        }

        private void check(String sigil, String name) {
            if (name.equals(".")) {
                return;
            }
            if (isPath(name)) {
                paths.add(name);
            } else {
                refusals.add("{{" + sigil + name + "}} is not a variable of this trigger");
            }
        }
    }

    /**
     * The tags outside any section (an inverted section does not nest), where {@code .} is the whole context. A
     * section over a boolean does not nest either, which only rendering can know: its formatter refuses the root.
     */
    private record TagsReadingTheWholeContext(List<String> refusals) implements Mustache.Visitor {

        @Override
        public void visitText(String text) {}

        @Override
        public void visitVariable(String name) {
            if (name.equals(".") && !refusals.contains(WHOLE_CONTEXT)) {
                refusals.add(WHOLE_CONTEXT);
            }
        }

        @Override
        public boolean visitSection(String name) {
            return false;
        }

        @Override
        public boolean visitInvertedSection(String name) {
            return true;
        }

        @Override
        public boolean visitInclude(String name) {
            return false;
        }
    }
}
