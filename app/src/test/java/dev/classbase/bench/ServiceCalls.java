package dev.classbase.bench;

import dev.classbase.platform.atrisk.AtRiskReport;
import dev.classbase.platform.atrisk.AtRiskService;
import dev.classbase.testsupport.TestApp;
import dev.classbase.web.auth.Caller;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The three services as the application runs them (its beans, its transactions, its pools). The
 * gradebook service and the portfolio export's stream type are package-private by design, so
 * they are reached by reflection rather than widened for a benchmark.
 */
final class ServiceCalls {
    private final Object gradebook;
    private final Method section;
    private final Object portfolio;
    private final Method export;
    private final AtRiskService atRisk;

    ServiceCalls(TestApp app) {
        gradebook = bean(app, "dev.classbase.platform.gradebook.GradebookService");
        section = method(gradebook, "section", 2);
        portfolio = bean(app, "dev.classbase.platform.portfolio.PortfolioService");
        export = method(portfolio, "export", 3);
        atRisk = app.bean(AtRiskService.class);
    }

    /** The gradebook record, as the controller would serialise it. */
    Object gradebook(Caller caller, long sectionId) {
        return invoke(section, gradebook, caller, sectionId);
    }

    /** The export's JSON document, written by the service into memory. */
    byte[] portfolio(Caller caller, long portfolioId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        Class<?> supplier = export.getParameterTypes()[2];
        Object target = Proxy.newProxyInstance(
                supplier.getClassLoader(), new Class<?>[] {supplier}, (proxy, m, args) -> switch (m.getName()) {
                    case "open" -> out;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "portfolio export target";
                });
        invoke(export, portfolio, caller, portfolioId, target);
        return out.toByteArray();
    }

    AtRiskReport atRisk(Caller caller, long courseId, LocalDate asOf, BigDecimal scoreBelow, int inactiveDays) {
        return atRisk.report(caller, courseId, asOf, scoreBelow, inactiveDays);
    }

    private static Object bean(TestApp app, String type) {
        try {
            return app.bean(Class.forName(type));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no " + type + ": has the service moved?", e);
        }
    }

    private static Method method(Object bean, String name, int parameters) {
        Method m = Arrays.stream(bean.getClass().getMethods())
                .filter(x -> x.getName().equals(name) && x.getParameterCount() == parameters)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(bean.getClass() + " has no " + name + " of " + parameters
                        + " parameters: has the service changed?"));
        m.setAccessible(true); // public method of a package-private class
        return m;
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
