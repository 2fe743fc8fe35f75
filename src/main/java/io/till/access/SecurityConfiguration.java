package io.till.access;

import io.till.account.ApiKeys;
import io.till.shared.web.RequestFilters;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.RelativeRedirectFilter;

/**
 * Three doors. The API ({@code /api/**}) takes only bearer API keys: stateless, no cookies, hence no CSRF token to ask
 * for. The customer portal ({@code /portal/**}, order 2) has its own, in io.till.portal.PortalSecurity. Everything else
 * is the browser side: the staff dashboard behind a throttled sign-in form with sessions ({@link StaffSessions}), roles
 * (owner and staff: only an owner manages keys, integrations and the staff) and CSRF protection, the invitation pages,
 * and the public pages (health, metrics, API docs). Both answer with the same browser headers, and
 * every redirect is relative: none is built from the Host header.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String LOGIN_PAGE = "/admin/login";
    /** Invitation links (InvitePages), opened by someone not signed in yet. */
    private static final String INVITES = "/admin/invites/**";
    private static final RequestMatcher WEBHOOK_ENDPOINT_STATUS = PathPatternRequestMatcher.withDefaults()
        .matcher(HttpMethod.POST, "/admin/webhooks/*/status");

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiKeys apiKeys, ProblemEntryPoint entryPoint) throws Exception {
        return http.securityMatcher("/api/**")
            .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
            .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, entryPoint),
                AnonymousAuthenticationFilter.class)
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
            .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .headers(BrowserHeaders.api())
            .csrf(AbstractHttpConfigurer::disable)
            .httpBasic(AbstractHttpConfigurer::disable)
            .formLogin(AbstractHttpConfigurer::disable)
            .logout(AbstractHttpConfigurer::disable)
            .requestCache(AbstractHttpConfigurer::disable)
            .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain browser(HttpSecurity http, SignInThrottle throttle, StaffSessions sessions,
        @Value("${till.bootstrap.public-url:}") String publicUrl) throws Exception {
        var throttleFilter = new SignInThrottleFilter(throttle, LOGIN_PAGE);
        var signedIn = new SimpleUrlAuthenticationSuccessHandler("/admin");
        signedIn.setAlwaysUseDefaultTargetUrl(true);
        AuthenticationSuccessHandler stamped = (request, response, authentication) -> {
            if (authentication.getPrincipal() instanceof StaffSignIn.StaffDetails details) {
                sessions.started(request, details.user());
            }
            signedIn.onAuthenticationSuccess(request, response, authentication);
        };
        var toLoginPage = new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE);
        toLoginPage.setFavorRelativeUris(true);
        return http
            .authorizeHttpRequests(requests -> requests
                .requestMatchers(LOGIN_PAGE, "/admin/assets/**", "/webjars/**", "/error", "/favicon.ico").permitAll()
                .requestMatchers(INVITES).permitAll()
                .requestMatchers("/actuator/health/**", "/actuator/info", "/actuator/prometheus").permitAll()
                .requestMatchers("/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                // What only an owner may do: keys, integrations (they hold secrets), webhook endpoints and the staff.
                .requestMatchers(HttpMethod.POST, "/admin/developers/api-keys", "/admin/developers/api-keys/**")
                .hasRole("OWNER")
                .requestMatchers("/admin/settings/integrations", "/admin/settings/integrations/**").hasRole("OWNER")
                .requestMatchers(HttpMethod.POST, "/admin/settings/staff", "/admin/settings/staff/**").hasRole("OWNER")
                // A webhook endpoint is sent every event, customers' emails and addresses included, at the URL it
                // names and signed with its secret: adding, editing, rotating and deleting one is an owner's.
                .requestMatchers(HttpMethod.POST, "/admin/webhooks", "/admin/webhooks/*", "/admin/webhooks/*/rotate",
                    "/admin/webhooks/*/delete")
                .hasRole("OWNER")
                // Anyone may stop sending to an endpoint; sending to one again (that an owner, or Till after a 410,
                // disabled) is an owner's, as adding it is.
                .requestMatchers(SecurityConfiguration::enablesAWebhookEndpoint).hasRole("OWNER")
                // Erasing a customer's personal data cannot be undone.
                .requestMatchers(HttpMethod.POST, "/admin/customers/*/redact").hasRole("OWNER")
                .requestMatchers("/", "/admin", "/admin/**").hasRole("STAFF")
                .anyRequest().denyAll())
            .addFilterBefore(throttleFilter, UsernamePasswordAuthenticationFilter.class)
            .addFilterBefore(new StaffSessionFilter(sessions, LOGIN_PAGE), AuthorizationFilter.class)
            .formLogin(
                form -> form.loginPage(LOGIN_PAGE)
                    .successHandler(throttleFilter.onSuccess(stamped))
                    .failureHandler(new SignInFailureHandler(LOGIN_PAGE))
                    .permitAll())
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(endedOr(toLoginPage))
                .accessDeniedHandler(new ForbiddenHandler()))
            .headers(BrowserHeaders.framedBy(BrowserHeaders.NO_FRAMING))
            .logout(logout -> logout.logoutUrl("/admin/logout")
                .logoutSuccessUrl(LOGIN_PAGE + "?signed-out")
                .deleteCookies(staffCookie(publicUrl).name()))
            .build();
    }

    /**
     * A browser whose session cookie names a session that is gone (Till restarted, or the container dropped it) is
     * told its session ended, rather than shown a bare sign-in page.
     */
    private static AuthenticationEntryPoint endedOr(AuthenticationEntryPoint toLoginPage) {
        return (request, response, e) -> {
            boolean ended = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
            if (request.getHeader("HX-Request") != null) {
                // An htmx request (a search as staff type, the builder's redraw) would follow a redirect and swap the
                // sign-in page into the fragment: the whole page goes there instead.
                toSignIn(response, ended);
                return;
            }
            if (ended) {
                response.sendRedirect(LOGIN_PAGE + "?ended=" + StaffSessions.Ending.EXPIRED.parameter());
                return;
            }
            toLoginPage.commence(request, response, e);
        };
    }

    /** The whole page to the sign-in page, saying the session ended when it did; for htmx, by HX-Redirect. */
    static void toSignIn(jakarta.servlet.http.HttpServletResponse response, boolean ended) throws java.io.IOException {
        String target = ended ? LOGIN_PAGE + "?ended=" + StaffSessions.Ending.EXPIRED.parameter() : LOGIN_PAGE;
        response.setHeader("HX-Redirect", target);
        response.setStatus(jakarta.servlet.http.HttpServletResponse.SC_NO_CONTENT);
    }

    /**
     * Keeps {@code sendRedirect("/admin")} a relative {@code Location}: the servlet container would make it absolute
     * from the request's Host header (always for HTTP/1.0 clients), and a forged one would send the browser elsewhere.
     */
    @Bean
    FilterRegistrationBean<RelativeRedirectFilter> relativeRedirects() {
        var filter = new RelativeRedirectFilter();
        filter.setRedirectStatus(HttpStatus.FOUND);
        var registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(RequestFilters.OUTAGE_AND_LIMITS);
        return registration;
    }

    /** The dashboard's session cookie; see {@link SessionCookie} for the name and flags. */
    @Bean
    ServletContextInitializer staffSessionCookie(@Value("${till.bootstrap.public-url:}") String publicUrl) {
        return servletContext -> staffCookie(publicUrl).applyTo(servletContext.getSessionCookieConfig());
    }

    private static SessionCookie staffCookie(String publicUrl) {
        return SessionCookie.forPublicUrl("till_session", publicUrl);
    }

    /**
     * Spring Security would otherwise time each filter of every request as an observation of its own (several timers,
     * tags and scopes per request, measured as a large share of a small API call's CPU); the request as a whole is
     * still timed ({@code http_server_requests}).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** Whether the request enables a webhook endpoint (its status form, set to enabled). */
    private static boolean enablesAWebhookEndpoint(HttpServletRequest request) {
        return WEBHOOK_ENDPOINT_STATUS.matches(request) && "enabled".equals(request.getParameter("status"));
    }
}
