package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.util.UrlPathHelper;

class ApiPathsTest {

    private static final List<String> URIS = List.of("/", "/api/v1/events", "/api/v1/orders/ord_1", "/%61pi/v1/orders",
        "/api/v1/orders;jsessionid=x", "/api;x=1/v1/orders", "//api/v1/orders", "/api//v1/orders",
        "/admin/%2e%2e/api/v1",
        "/api/v1/customers/cus%201", "/portal", "/actuator/health", "/api/v1/events/", "/caf%C3%A9");

    @Test
    void routesEveryPathAsSpringDecodesIt() {
        for (String uri : URIS) {
            for (String contextPath : List.of("", "/till")) {
                for (String contentType : new String[]{null, "application/json", "text/plain; charset=ISO-8859-1"}) {
                    var request = new MockHttpServletRequest("POST", contextPath + uri);
                    request.setContextPath(contextPath);
                    request.setContentType(contentType);
                    assertThat(ApiPaths.routed(request)).as(contextPath + uri + " sent as " + contentType)
                        .isEqualTo(UrlPathHelper.defaultInstance.getPathWithinApplication(request));
                }
            }
        }
    }

    @Test
    void routesAForwardOrAnErrorDispatchAsSpringDoes() {
        for (DispatcherType type : List.of(DispatcherType.FORWARD, DispatcherType.ERROR, DispatcherType.INCLUDE)) {
            var request = new MockHttpServletRequest("GET", "/api/v1/orders");
            request.setDispatcherType(type);
            request.setAttribute("jakarta.servlet.include.request_uri", "/%61dmin/orders");
            assertThat(ApiPaths.routed(request)).as(type.name())
                .isEqualTo(UrlPathHelper.defaultInstance.getPathWithinApplication(request));
        }
    }

    @Test
    void tellsTheApiByItsDecodedPath() {
        assertThat(ApiPaths.isApi(new MockHttpServletRequest("POST", "/%61pi/v1/orders"))).isTrue();
        assertThat(ApiPaths.isApi(new MockHttpServletRequest("POST", "/api/v1/orders"))).isTrue();
        assertThat(ApiPaths.isApi(new MockHttpServletRequest("GET", "/admin/orders"))).isFalse();
    }
}
