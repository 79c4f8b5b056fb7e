import { z } from 'zod';

/** An instant as the API writes it (a Date serialized by JSON.stringify: ISO 8601, UTC). */
export const ZInstant = z.any().meta({ type: 'string', format: 'date-time' });
export const ZNullableInstant = z.any().meta({ type: ['string', 'null'], format: 'date-time' });
