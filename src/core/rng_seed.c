#include "core/rng_seed.h"

#include <math.h>
#include <string.h>

uint64_t xpl__mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t xpl__row_key(const double *x, size_t p)
{
    uint64_t h = 0x3243f6a8885a308du;
    for (size_t j = 0; j < p; j++) {
        double v = x[j] == 0 ? 0.0 : x[j];
        uint64_t bits = 0x7ff8000000000000u;
        if (!isnan(v))
            memcpy(&bits, &v, sizeof bits);
        h = xpl__mix64(h ^ bits);
    }
    return h;
}
