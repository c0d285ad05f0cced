"""The identity provider: Keycloak from Maven Central, run as a local process, with the realm as code.

- ``pom.xml``             — resolves ``org.keycloak:keycloak-quarkus-dist`` (unpacked under ``var/identity/dist``)
- ``tsunagu-realm.json``  — realm ``tsunagu``: departments as groups, roles, demo staff, clients, mappers
- :mod:`deploy.identity.tooling` — the distribution and a Java 21+ runtime to run it
- :mod:`deploy.identity.local`   — start / stop / status of a local Keycloak (``python -m deploy.identity.local``)
- :mod:`deploy.identity.caches`  — what keeps its start short: the build once, a class-data archive, the seed
- :mod:`deploy.identity.processes` — its process (pid checks, signals) and loopback ports
"""
