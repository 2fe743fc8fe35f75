package io.till.shared.web;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The order of the request filters that come before Spring Security, outermost first. Every request is admitted to the
 * requests' pool and given its id first; the plainest posted event is then answered at once, before the request
 * timing and the checks below, none of which it needs (it times itself); everything else is timed, then its
 * database outage answered, its body, text and Accept checked.
 */
public final class RequestFilters {

    /** Admission to the requests' pool (RequestConnectionsFilter) and the request id (RequestIdFilter). */
    public static final int ADMISSION = Ordered.HIGHEST_PRECEDENCE;
    /** A plain {@code POST /api/v1/events} answered ahead of everything below (PostedEventShortcut). */
    public static final int POSTED_EVENT = Ordered.HIGHEST_PRECEDENCE + 1;
    /** {@code http_server_requests}: Spring's request observation. */
    public static final int TIMING = Ordered.HIGHEST_PRECEDENCE + 2;
    /** A database outage answered 503, the body's length capped, redirects kept relative. */
    public static final int OUTAGE_AND_LIMITS = Ordered.HIGHEST_PRECEDENCE + 3;
    /** Query, path and form text that no handler could read safely, refused. */
    public static final int TEXT = Ordered.HIGHEST_PRECEDENCE + 4;
    /** An Accept the API cannot answer, refused. */
    public static final int ACCEPT = Ordered.HIGHEST_PRECEDENCE + 5;

    private RequestFilters() {}

    /**
     * Spring Boot's request observation, as Boot registers it, at {@link #TIMING} instead of just after admission: the
     * posted-event shortcut goes before it.
     */
    @Configuration(proxyBeanMethods = false)
    static class Timing {

        @Bean
        FilterRegistrationBean<ServerHttpObservationFilter> webMvcObservationFilter(ObservationRegistry registry,
            ObjectProvider<ServerRequestObservationConvention> customConvention, ObservationProperties properties) {
            String name = properties.getHttp().getServer().getRequests().getName();
            var convention = customConvention.getIfAvailable(() -> new DefaultServerRequestObservationConvention(name));
            var registration = new FilterRegistrationBean<>(new ServerHttpObservationFilter(registry, convention));
            registration.setOrder(TIMING);
            registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
            return registration;
        }
    }
}
