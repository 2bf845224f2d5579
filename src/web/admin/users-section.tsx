import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UserCreate, UserPatch, type Agency, type User } from '../../identity/schemas.ts';
import { ROLES, type Role } from '../../shared/actor.ts';
import { request } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { ErrorSummary } from '../ui/error-summary.tsx';
import { FormFooter, SelectField, TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { Notice } from '../ui/notice.tsx';
import { schemaErrors } from '../ui/schema-errors.ts';
import { SecretOnce } from '../ui/secret-once.tsx';
import { fieldBinder, useFormSubmit } from '../ui/use-form-submit.ts';

type UserForm = Record<'name' | 'email' | 'role' | 'agencyId' | 'password', string>;
const blank: UserForm = { name: '', email: '', role: '', agencyId: '', password: '' };

/** People: create one (its API token shown once), change name, role or password, issue a new token, deactivate. */
export function UsersSection({ users, agencies }: { users: User[]; agencies: Agency[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<User | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const code = new Map(agencies.map((agency) => [agency.id, agency.code]));
  const done = (message: string | null) => {
    setEditing(null);
    setSaved(message);
  };
  const rotate = (user: User) =>
    setConfirm({
      title: t('administration.rotateTitle', { name: user.name }),
      body: t('administration.rotateBody'),
      confirmLabel: t('administration.rotate'),
      onConfirm: async () => {
        const reply = await request<{ token: string }>(`/users/${user.id}/tokens`, { method: 'POST' });
        setSaved(null);
        setToken({ name: user.name, token: reply.token });
      },
    });
  const deactivate = (user: User) =>
    setConfirm({
      title: t('administration.deactivateTitle', { name: user.name }),
      body: t('administration.deactivateBody'),
      confirmLabel: t('administration.deactivate'),
      danger: true,
      onConfirm: async () => {
        await request(`/users/${user.id}`, { method: 'DELETE' });
        if (editing?.id === user.id) setEditing(null);
        setSaved(t('administration.deactivated', { name: user.name }));
        await queryClient.invalidateQueries({ queryKey: ['users'] });
      },
    });

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t('administration.users')}</h2>
      {saved && <Notice tone="success">{saved}</Notice>}
      {token && (
        <SecretOnce
          key={token.token}
          label={t('administration.tokenOnce', { name: token.name })}
          secret={token.token}
          testId="user-token"
        />
      )}
      <UserEditor
        key={editing?.id ?? 'new'}
        user={editing ?? undefined}
        agencies={agencies}
        onCreated={(name, created) => {
          setSaved(null);
          setToken({ name, token: created });
        }}
        onDone={done}
      />
      <table data-testid="users">
        <thead>
          <tr>
            <th>{t('administration.name')}</th>
            <th>{t('signIn.email')}</th>
            <th>{t('administration.role')}</th>
            <th>{t('administration.agency')}</th>
            <th>{t('administration.active')}</th>
            <th>{t('administration.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>
                {user.name}
                {user.id === me.id && ` ${t('administration.you')}`}
              </td>
              <td>{user.email}</td>
              <td>{t(`roles.${user.role}`)}</td>
              <td>{code.get(user.agencyId) ?? '—'}</td>
              <td>
                {user.active
                  ? t('common.yes')
                  : t('administration.inactiveSince', { date: format.dateTime(user.deactivatedAt) })}
              </td>
              <td className="actions">
                {user.active && (
                  <>
                    <button
                      type="button"
                      aria-label={`${t('administration.edit')} ${user.email}`}
                      onClick={() => {
                        setSaved(null);
                        setEditing(user);
                      }}
                    >
                      {t('administration.edit')}
                    </button>
                    <button
                      type="button"
                      aria-label={`${t('administration.rotate')} ${user.email}`}
                      onClick={() => rotate(user)}
                    >
                      {t('administration.rotate')}
                    </button>
                    {user.id !== me.id && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`${t('administration.deactivate')} ${user.email}`}
                        onClick={() => deactivate(user)}
                      >
                        {t('administration.deactivate')}
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}

/** Creates a user (a password lets them sign in here; the token is for the API), or changes name, role or password. */
function UserEditor({
  user,
  agencies,
  onCreated,
  onDone,
}: {
  user?: User;
  agencies: Agency[];
  onCreated: (name: string, token: string) => void;
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<UserForm>(
    user ? { ...blank, name: user.name, email: user.email, role: user.role, agencyId: user.agencyId } : blank,
  );
  const password = values.password ? { password: values.password } : {};
  const body = user
    ? {
        ...(values.name.trim() !== user.name && { name: values.name.trim() }),
        ...(values.role !== user.role && { role: values.role }),
        ...password,
      }
    : {
        name: values.name.trim(),
        email: values.email.trim(),
        role: values.role,
        agencyId: values.agencyId,
        ...password,
      };
  const unchanged = Boolean(user) && !Object.keys(body).length;
  const errors = unchanged ? {} : schemaErrors(t, user ? UserPatch : UserCreate, body);
  const { submit, errorAt, failure, busy } = useFormSubmit(
    errors,
    async () => {
      if (unchanged) return onDone(null);
      if (user) {
        await request<User>(`/users/${user.id}`, { method: 'PATCH', body });
        onDone(t('administration.userSaved', { name: values.name.trim() }));
      } else {
        const created = await request<{ user: User; token: string }>('/users', { method: 'POST', body });
        setValues(blank);
        onCreated(created.user.name, created.token);
      }
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    { 'email-taken': '/email' },
  );
  const bind = fieldBinder(values, setValues, errorAt);
  const title = user ? t('administration.editUser', { name: user.name }) : t('administration.newUser');
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      <ErrorSummary />
      <div className="grid">
        <TextField label={t('administration.name')} required maxLength={200} {...bind('name')} />
        {!user && (
          <TextField
            label={t('signIn.email')}
            type="email"
            autoComplete="off"
            required
            maxLength={254}
            {...bind('email')}
          />
        )}
        <SelectField
          label={t('administration.role')}
          required
          placeholder={t('common.choose')}
          options={ROLES.map((role: Role) => ({ value: role, label: t(`roles.${role}`) }))}
          {...bind('role')}
        />
        {!user && (
          <SelectField
            label={t('administration.agency')}
            required
            placeholder={t('common.choose')}
            options={agencies.map((agency) => ({ value: agency.id, label: `${agency.code} — ${agency.name}` }))}
            {...bind('agencyId')}
          />
        )}
        <TextField
          label={user ? t('administration.newPassword') : t('administration.password')}
          hint={user ? t('administration.newPasswordHint') : t('administration.passwordHint')}
          type="password"
          autoComplete="new-password"
          maxLength={256}
          {...bind('password')}
        />
      </div>
      <FormFooter
        failure={failure}
        busy={busy}
        submitLabel={user ? t('administration.save') : t('administration.createUser')}
        onCancel={user ? () => onDone(null) : undefined}
      />
    </form>
  );
}
