package dev.classbase.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * A single-valued request parameter given more than once ({@code limit=a&limit=b}) is a 400 that
 * says so: left to the binder, the values are joined or handed over as an array whose text is
 * {@code [Ljava.lang.String;@...}. Parameters bound to arrays, collections or maps may repeat.
 */
final class SingleValueInterceptor implements HandlerInterceptor {
    /*
     * The names of each handler method's single-valued parameters, found once: walking its
     * parameters, their annotations and (by reflection) their names on every request cost more than
     * the check itself.
     */
    private final Map<Method, List<String>> singleValued = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        for (String name : singleValued.computeIfAbsent(method.getMethod(), m -> singleValued(method))) {
            String[] values = request.getParameterValues(name);
            if (values != null && values.length > 1) {
                throw ApiException.badRequest(
                        name,
                        "is given " + (values.length == 2 ? "twice" : values.length + " times") + "; send it once");
            }
        }
        return true;
    }

    private static List<String> singleValued(HandlerMethod method) {
        List<String> names = new ArrayList<>();
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (param == null || multiValued(parameter)) {
                continue;
            }
            String name = !param.name().isEmpty() ? param.name() : parameterName(parameter);
            if (name != null) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** The name as compiled with {@code -parameters} (Spring Boot's build does), as the binder finds it. */
    private static String parameterName(MethodParameter parameter) {
        MethodParameter named = new MethodParameter(parameter); // the handler's own are shared with the binder
        named.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
        return named.getParameterName();
    }

    private static boolean multiValued(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        if (type == Optional.class) {
            type = parameter.nested().getNestedParameterType();
        }
        return type.isArray() || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type);
    }
}
