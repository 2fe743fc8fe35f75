package io.till.shared.web;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the body of every request ({@code TILL_MAX_REQUEST_BODY}, 1 MB by default): a declared
 * {@code Content-Length} over the limit is refused before a byte is read; a chunked body is counted while it is read
 * and refused the moment it passes the limit. Either way the answer is a 413 problem, and no handler ever holds more
 * than the limit in memory.
 */
@Component
@Order(RequestFilters.OUTAGE_AND_LIMITS)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final Problems problems;

    RequestBodyLimitFilter(@Value("${till.web.max-request-body:1MB}") DataSize maxBody, Problems problems) {
        this.maxBytes = maxBody.toBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            refuse(response);
            return;
        }
        if (formTooLarge(request)) {
            refuse(response);
            return;
        }
        try {
            chain.doFilter(new BoundedRequest(request, maxBytes), response);
        } catch (BodyTooLarge e) {
            // Thrown through a filter that read the body itself (not through MVC, whose handler answers it).
            if (response.isCommitted()) {
                throw e;
            }
            response.reset();
            refuse(response);
        }
    }

    /**
     * Whether a form sent without its length (chunked) passed the limit: the server reads forms itself, not through
     * {@link BoundedRequest}, stopping at the same limit ({@code server.tomcat.max-http-form-post-size}) and saying so
     * when the form's parameters are first asked for, which this does.
     */
    private static boolean formTooLarge(HttpServletRequest request) {
        String type = request.getContentType();
        // A form of a declared length was measured above; only one sent chunked is read to find out.
        if (request.getContentLengthLong() >= 0 || type == null
            || !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            return false;
        }
        try {
            request.getParameterMap();
            return false;
        } catch (InvalidParameterException e) {
            return e.getErrorCode() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
        }
    }

    private void refuse(HttpServletResponse response) throws IOException {
        // The unread rest of the body is not worth keeping the connection for.
        response.setHeader("Connection", "close");
        problems.write(response, ErrorCode.PAYLOAD_TOO_LARGE, message(maxBytes));
    }

    private static String message(long maxBytes) {
        return "The request body is larger than " + DataSize.ofBytes(maxBytes).toKilobytes()
            + " KB, the most Till accepts (TILL_MAX_REQUEST_BODY).";
    }

    /** The request body grew past the limit while it was being read. */
    static final class BodyTooLarge extends TillException {
        BodyTooLarge(long maxBytes) {
            super(ErrorCode.PAYLOAD_TOO_LARGE, message(maxBytes));
        }
    }

    private static final class BoundedRequest extends HttpServletRequestWrapper {

        private final long maxBytes;
        private ServletInputStream bounded;

        BoundedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (bounded == null) {
                bounded = new BoundedInputStream(super.getInputStream(), maxBytes);
            }
            return bounded;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class BoundedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        BoundedInputStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > maxBytes) {
                throw new BodyTooLarge(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
