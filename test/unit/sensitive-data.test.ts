/**
 * Sensitive-data detection on text (engines/language/sensitive-data.ts): the checksums (Luhn, IBAN mod-97) decide
 * card numbers and IBANs, phone numbers need an international prefix, a keyword or a national trunk form, and every
 * detection says why; redaction uses BDA's masks.
 */
import { describe, expect, it } from 'vitest';
import {
  cardNetwork,
  detectSensitiveData,
  ibanMod97,
  luhnValid,
  redactSensitiveData,
} from '../../engines/language/sensitive-data.ts';

const types = (text: string) => detectSensitiveData(text).map((d) => [d.type, d.text]);

describe('checksums', () => {
  it('Luhn, card networks and IBAN mod-97', () => {
    expect(luhnValid('4539148803436467')).toBe(true);
    expect(luhnValid('4539148803436468')).toBe(false);
    expect(cardNetwork('4539148803436467')).toBe('Visa');
    expect(cardNetwork('378282246310005')).toBe('American Express');
    expect(cardNetwork('5555555555554444')).toBe('Mastercard');
    expect(cardNetwork('1234567812345670')).toBeNull();
    expect(ibanMod97('DE89370400440532013000')).toBe(1);
    expect(ibanMod97('GB82WEST12345698765432')).toBe(1);
    expect(ibanMod97('DE88370400440532013000')).not.toBe(1);
  });
});

describe('detectSensitiveData', () => {
  it('finds each type with its evidence', () => {
    const text =
      'Pay IBAN DE89 3704 0044 0532 0130 00 or card 4539 1488 0343 6467; mail a.b@example.com, tel: 03-7859 9863, +44 20 7946 0958.';
    expect(types(text)).toEqual([
      ['INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'DE89 3704 0044 0532 0130 00'],
      ['CREDIT_DEBIT_CARD_NUMBER', '4539 1488 0343 6467'],
      ['EMAIL', 'a.b@example.com'],
      ['PHONE', '03-7859 9863'],
      ['PHONE', '+44 20 7946 0958'],
    ]);
    const [iban, card] = detectSensitiveData(text);
    expect(iban.evidence).toBe('DE IBAN of 22 characters, mod-97 check digits 89 valid');
    expect(card.evidence).toBe('16 digits, Visa prefix 4, Luhn checksum valid');
  });
  it('leaves look-alikes alone: a failed checksum, dates, amounts, ids', () => {
    for (const text of [
      'Ref 4539 1488 0343 6468',
      'IBAN DE88 3704 0044 0532 0130 00',
      'Date: 04-05-2018 16:07',
      'Total: 1 234 567.89 EUR',
      'Invoice No: INV-2024-004512',
      'Order 48213377 shipped',
      'GST Reg No: 001669935104',
      '#001-1105624#',
    ])
      expect(types(text), text).toEqual([]);
  });
  it('redacts with BDA masks', () => {
    const text = 'mail a.b@example.com or call +44 20 7946 0958';
    const found = detectSensitiveData(text);
    expect(redactSensitiveData(text, found)).toBe('mail [EMAIL] or call [PHONE]');
    expect(redactSensitiveData(text, found, 'PII')).toBe('mail [PII] or call [PII]');
  });
});
