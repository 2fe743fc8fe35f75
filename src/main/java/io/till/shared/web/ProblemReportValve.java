package io.till.shared.web;

import io.till.shared.ErrorCode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers what Tomcat refuses before Till sees the request (a path that is not UTF-8, a control byte in a header, an
 * address or headers over 8 KB): an API client, or any client whose address could not be read at all, gets a problem
 * like every other refusal, {@code malformed_request}, instead of Tomcat's HTML page; a page's address gets the same
 * plain page as before, without server details. Nothing of the request or of Tomcat's own message is echoed.
 */
final class ProblemReportValve extends ErrorReportValve {

    private static final String API = "/api/";

    private final JsonMapper json;

    ProblemReportValve(JsonMapper json) {
        this.json = json;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        String path = rawPath(request);
        if (status < 400 || response.getContentWritten() > 0 || !(path.isEmpty() || path.startsWith(API))) {
            super.report(request, response, throwable);
            return;
        }
        if (!response.setErrorReported()) {
            return; // not an error the container is to report, or reported already
        }
        var code = status < 500 ? ErrorCode.MALFORMED_REQUEST : ErrorCode.INTERNAL_ERROR;
        var problem = Problems.of(code, status < 500
            ? "The request could not be read as HTTP: its address must be percent-encoded UTF-8, header values "
                + "printable, and the address with the headers under 8 KB."
            : "Till could not serve this request.");
        problem.setStatus(status);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the answer had begun after all: nothing more can be said.
        }
    }

    /** The address as sent, undecoded (decoding is what may have failed). */
    private static String rawPath(Request request) {
        var uri = request.getCoyoteRequest().requestURI();
        return uri == null || uri.isNull() ? "" : uri.toString();
    }

    /** Puts the valve in place of Spring Boot's own {@link ErrorReportValve} on the host. */
    @Component
    static final class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

        private final JsonMapper json;

        Installer(JsonMapper json) {
            this.json = json;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            // Once the host has started, every other error valve is in place (Spring Boot's, added by a context
            // customizer whose turn comes after any of ours, or the host's default): replace them then.
            factory.addContextCustomizers((TomcatContextCustomizer) context -> context.getParent()
                .addLifecycleListener(event -> {
                    if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
                        var host = context.getParent().getPipeline();
                        for (Valve valve : host.getValves()) {
                            if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                                host.removeValve(valve);
                            }
                        }
                        host.addValve(new ProblemReportValve(json));
                    }
                }));
        }
    }
}
