package dev.classbase.web.auth;

import dev.classbase.web.ApiException;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Gives controller methods a {@code Caller caller} parameter: the authenticated user of the request. */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {
    static final String ATTRIBUTE = Caller.class.getName();

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Object resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest,
            WebDataBinderFactory binderFactory) {
        Object caller = webRequest.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (caller == null) {
            // a controller outside /api/v1 asked for a caller: nobody authenticated this request
            throw ApiException.unauthorized("Sign in and send the token as 'Authorization: Bearer <token>'.");
        }
        return caller;
    }
}
