/* iaa_sha256.h: SHA-256 block compression with the x86 SHA extensions (SHA-NI), for IAACore's
 * SHA256. Internal; no stable API. */
#ifndef IAA_SHA256_H
#define IAA_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The 64 round constants K (FIPS 180-4 §4.2.2). */
extern const uint32_t iaa_sha256_k[64];

/* 1 when this CPU has the SHA extensions (and SSE4.1/SSSE3), else 0. */
int iaa_sha256_hw_available(void);

/* Compresses `blocks` 64-byte blocks at `data` into `state` (the eight working words, in the
 * standard order a…h). Call only when iaa_sha256_hw_available() returned 1. */
void iaa_sha256_hw_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
