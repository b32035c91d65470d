package dev.classbase.platform.exercises;

/** A coding exercise of the tenant's catalog. */
public record Exercise(long id, String title, String difficulty, String language, String prompt) {}
