import { describe, expect, it } from 'vitest';
import { admissionPriority } from './priority';

describe('admissionPriority', () => {
  it('serves simpler targets first among live requests', () => {
    expect(admissionPriority('small', 'api')).toBeLessThan(admissionPriority('large', 'api'));
    expect(admissionPriority('large', 'chat')).toBeLessThan(admissionPriority('research', 'chat'));
  });
  it('puts every batch item behind every live request', () => {
    expect(admissionPriority('small', 'batch')).toBeGreaterThan(admissionPriority('research', 'api'));
    expect(admissionPriority('small', 'batch')).toBeLessThan(admissionPriority('large', 'batch'));
  });
});
