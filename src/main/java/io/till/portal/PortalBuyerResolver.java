package io.till.portal;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets a portal page take the signed-in {@link PortalBuyer} as a plain parameter. */
@Configuration(proxyBeanMethods = false)
class PortalBuyerResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == PortalBuyer.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
        NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof PortalAuthentication signedIn) {
            return signedIn.getPrincipal();
        }
        // PortalSecurity lets no request without a session reach a page that is not open to all; this is a bug.
        throw new IllegalStateException("No portal buyer for this request: is its route open in PortalSecurity?");
    }

    /** The session of the request, if any: for open pages that look different to a signed-in buyer. */
    /**
     * Whether this request's buyer is signed in to the whole portal of {@code accountId}: a sign-in link used already
     * (Back after signing in, the email opened again) then takes them home rather than saying the link is dead.
     */
    static boolean signedInTo(String accountId) {
        return session().map(PortalSessions.Session::buyer)
            .filter(buyer -> buyer.accountId().equals(accountId) && buyer.access() == PortalBuyer.Access.FULL)
            .isPresent();
    }

    static java.util.Optional<PortalSessions.Session> session() {
        return SecurityContextHolder.getContext().getAuthentication() instanceof PortalAuthentication signedIn
            ? java.util.Optional.of(signedIn.session())
            : java.util.Optional.empty();
    }
}
