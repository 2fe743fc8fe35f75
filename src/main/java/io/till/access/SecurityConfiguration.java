package io.till.access;

import io.till.account.ApiKeys;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.web.filter.RelativeRedirectFilter;

/**
 * Three doors. The API ({@code /api/**}) takes only bearer API keys: stateless, no cookies, hence no CSRF token to ask
 * for. The customer portal ({@code /portal/**}, order 2) has its own, in io.till.portal.PortalSecurity. Everything else
 * is the browser side: the staff dashboard behind a throttled sign-in form with sessions and
 * CSRF protection, and the public pages (health, metrics, API docs). Both answer with the same browser headers, and
 * every redirect is relative: none is built from the Host header.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final String LOGIN_PAGE = "/admin/login";

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiKeys apiKeys, ProblemEntryPoint entryPoint) throws Exception {
        return http.securityMatcher("/api/**")
            .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
            .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, entryPoint),
                AnonymousAuthenticationFilter.class)
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
            .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .headers(BrowserHeaders.framedBy(BrowserHeaders.NO_FRAMING))
            .csrf(AbstractHttpConfigurer::disable)
            .httpBasic(AbstractHttpConfigurer::disable)
            .formLogin(AbstractHttpConfigurer::disable)
            .logout(AbstractHttpConfigurer::disable)
            .requestCache(AbstractHttpConfigurer::disable)
            .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain browser(HttpSecurity http, SignInThrottle throttle) throws Exception {
        var throttleFilter = new SignInThrottleFilter(throttle, LOGIN_PAGE);
        var signedIn = new SimpleUrlAuthenticationSuccessHandler("/admin");
        signedIn.setAlwaysUseDefaultTargetUrl(true);
        var toLoginPage = new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE);
        toLoginPage.setFavorRelativeUris(true);
        return http
            .authorizeHttpRequests(requests -> requests
                .requestMatchers(LOGIN_PAGE, "/admin/assets/**", "/webjars/**", "/error", "/favicon.ico").permitAll()
                .requestMatchers("/actuator/health/**", "/actuator/info", "/actuator/prometheus").permitAll()
                .requestMatchers("/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                .requestMatchers("/", "/admin", "/admin/**").hasRole("STAFF")
                .anyRequest().denyAll())
            .addFilterBefore(throttleFilter, UsernamePasswordAuthenticationFilter.class)
            .formLogin(
                form -> form.loginPage(LOGIN_PAGE).successHandler(throttleFilter.onSuccess(signedIn)).permitAll())
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(toLoginPage))
            .headers(BrowserHeaders.framedBy(BrowserHeaders.NO_FRAMING))
            .logout(logout -> logout.logoutUrl("/admin/logout").logoutSuccessUrl(LOGIN_PAGE + "?signed-out"))
            .build();
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
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** The dashboard's session cookie; see {@link SessionCookie} for the name and flags. */
    @Bean
    ServletContextInitializer staffSessionCookie(@Value("${till.bootstrap.public-url:}") String publicUrl) {
        return servletContext -> SessionCookie.forPublicUrl("till_session", publicUrl)
            .applyTo(servletContext.getSessionCookieConfig());
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
