package dev.classbase;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Spring application: platform API, data tier, ops and console. Started by {@code serve}. */
@SpringBootApplication
@EnableScheduling
public class ClassbaseApplication {}
