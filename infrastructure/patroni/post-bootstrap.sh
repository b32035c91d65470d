#!/bin/sh
# Runs once on the node that initialises the cluster (Patroni's bootstrap.post_bootstrap), as the
# superuser with the connection string as $1: the application's owner role and database.
# classbase's migrations create the rest (including the service role classbase_app) on first connect.
set -eu
psql "$1" -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE classbase LOGIN PASSWORD '${CLASSBASE_OWNER_PASSWORD}' CREATEROLE;
CREATE DATABASE classbase OWNER classbase;
SQL
