import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id, the slow hash OWASP recommends for passwords. */
export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id });

@Injectable()
export class PasswordHasher {
  // Verified against when the email is unknown, so both failures take the same time.
  private readonly decoy = hashPassword('not-a-real-password-just-a-decoy');

  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
