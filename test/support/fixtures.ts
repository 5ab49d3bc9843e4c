import type { RandomUser } from '../../src/source/types.ts';

/** One hand-written randomuser result with the quirks worth testing (Persian script, numeric postcode, null id). */
export function sampleUser(overrides: Partial<RandomUser> = {}): RandomUser {
  return {
    gender: 'female',
    name: { title: 'Mrs', first: 'Zahra', last: 'رضایی' },
    location: {
      street: { number: 4521, name: 'Shahid Beheshti' },
      city: 'Tabriz',
      state: 'Tehran',
      country: 'Iran',
      postcode: 71452,
      coordinates: { latitude: '-12.3', longitude: '45.6' },
      timezone: { offset: '+3:30', description: 'Tehran' },
    },
    email: 'zahra.rezaei@example.com',
    login: { uuid: '1E4B6B5A-8C2D-4F3A-9B7C-0D1E2F3A4B5C', username: 'bluebird123', password: 'p', salt: 's', md5: 'm', sha1: 's1', sha256: 's2' },
    dob: { date: '1980-05-06T07:08:09.123Z', age: 46 },
    registered: { date: '2015-01-02T03:04:05.678Z', age: 11 },
    phone: '011-12345678',
    cell: '0912-123-4567',
    id: { name: '', value: null },
    picture: { large: 'https://randomuser.me/api/portraits/women/1.jpg', medium: 'https://randomuser.me/api/portraits/med/women/1.jpg', thumbnail: 'https://randomuser.me/api/portraits/thumb/women/1.jpg' },
    nat: 'IR',
    ...overrides,
  };
}
