-- Deterministic pseudo-random numbers for the data generator (dev.classbase.seed).
--
-- random()/setseed() depend on evaluation order, which changes with plans and parallelism;
-- a hash of (seed, stream, n) does not: the same three inputs give the same number on every
-- run and every server version. hashint8extended is PostgreSQL's own 64-bit hash (since 11).
-- Each generator statement uses its own stream numbers, so two columns never share a draw.

-- A uniform double in [0, 1): the top 53 bits of the hash, which fill a double's mantissa.
create or replace function classbase_rand(p_seed bigint, p_stream int, p_n bigint)
returns double precision
language sql immutable strict parallel safe
as $$
    select ((hashint8extended(p_n, p_seed # (p_stream::bigint * 1000003)) >> 11)
            & 9007199254740991)::double precision / 9007199254740992.0
$$;

-- A uniform integer in [0, p_bound).
create or replace function classbase_rand_int(p_seed bigint, p_stream int, p_n bigint, p_bound bigint)
returns bigint
language sql immutable strict parallel safe
as $$
    select floor(classbase_rand(p_seed, p_stream, p_n) * p_bound)::bigint
$$;

-- The same for a pair (a, b), e.g. (enrollment, assignment): hash b with a seed derived from a.
create or replace function classbase_rand(p_seed bigint, p_stream int, p_a bigint, p_b bigint)
returns double precision
language sql immutable strict parallel safe
as $$
    select ((hashint8extended(p_b, hashint8extended(p_a, p_seed # (p_stream::bigint * 1000003))) >> 11)
            & 9007199254740991)::double precision / 9007199254740992.0
$$;

create or replace function classbase_rand_int(p_seed bigint, p_stream int, p_a bigint, p_b bigint, p_bound bigint)
returns bigint
language sql immutable strict parallel safe
as $$
    select floor(classbase_rand(p_seed, p_stream, p_a, p_b) * p_bound)::bigint
$$;
