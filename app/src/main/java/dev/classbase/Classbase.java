package dev.classbase;

public final class Classbase {
    public static void main(String[] args) {
        System.out.println("classbase");
    }
}
