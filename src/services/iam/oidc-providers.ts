/**
 * OpenID Connect identity providers, which AssumeRoleWithWebIdentity trusts: Create, Get, Delete,
 * List, client ids, thumbprints and tags. The provider's ARN is
 * `arn:aws:iam::<account>:oidc-provider/<host and path>`; its Url is stored without the scheme and
 * its thumbprints in lower case. Texts are the ones versitygw recorded against live IAM
 * (TestIAMApiControllerOIDCProviderLifecycle, ...CreateOIDCProviderValidationErrors).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
 */
import { ValidationException } from '../../errors/common.js';
import {
  EntityAlreadyExistsException,
  InvalidInputException,
  NoSuchEntityException,
} from '../../generated/iam/errors.js';
import type { IamOperations } from '../../generated/iam/operations.js';
import type { RequestContext } from '../service-types.js';
import { quotaExceeded } from './errors.js';
import { pageInMemory } from './pagination.js';
import type { IamState } from './state.js';
import type { OidcProviderRow } from './store.js';
import { checkTags, exactTags, mergeTags, parseTags, removeTags } from './tags.js';

const thumbprintsPerProvider = 5;
const clientIdsPerProvider = 100;

/** The provider URL without its scheme (and trailing slash), or IAM's refusal of it. */
function providerAddress(url: string): string {
  if (!url.startsWith('https://')) {
    if (url.includes('://')) {
      throw new InvalidInputException('Invalid Open ID Connect Provider URL. The URL must begin with https://.');
    }
    throw new ValidationException('Invalid Open ID Connect Provider URL');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputException('Invalid Open ID Connect Provider URL.');
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.port !== '' || url.includes('?') || url.includes('#')) {
    throw new InvalidInputException('Invalid Open ID Connect Provider URL.');
  }
  return url.slice('https://'.length).replace(/\/+$/, '');
}

function thumbprintsOf(thumbprints: string[] | undefined): string[] {
  const list = (thumbprints ?? []).map((thumbprint) => thumbprint.toLowerCase());
  if (list.length > thumbprintsPerProvider) {
    throw new InvalidInputException('Thumbprint list must contain fewer than 5 entries.');
  }
  return list;
}

function clientIdsOf(clientIds: string[]): string[] {
  const unique = [...new Set(clientIds)];
  if (unique.length > clientIdsPerProvider)
    throw quotaExceeded('ClientIdsPerOpenIdConnectProvider', clientIdsPerProvider);
  return unique;
}

/** GetOpenIDConnectProvider (and the calls that change a provider) word a missing one so. */
function provider(state: IamState, account: string, arn: string): OidcProviderRow {
  const row = state.store.oidcProvider(account, arn);
  if (!row) throw new NoSuchEntityException(`OpenIDConnect Provider not found for arn ${arn}`);
  return row;
}

/** DeleteOpenIDConnectProvider and the tag calls word a missing provider differently. */
function providerToDelete(state: IamState, account: string, arn: string): OidcProviderRow {
  const row = state.store.oidcProvider(account, arn);
  if (!row) throw new NoSuchEntityException(`OpenId connect Provider ${arn} cannot be found.`);
  return row;
}

export function oidcProviderOperations(state: IamState) {
  const { store } = state;
  return {
    createOpenIDConnectProvider(ctx, input) {
      const address = providerAddress(input.Url);
      const thumbprints = thumbprintsOf(input.ThumbprintList);
      const clientIds = clientIdsOf(input.ClientIDList ?? []);
      const tags = checkTags(input.Tags, exactTags);
      const arn = `arn:aws:iam::${ctx.account}:oidc-provider/${address}`;
      if (store.oidcProvider(ctx.account, arn)) {
        throw new EntityAlreadyExistsException(`Provider with url ${input.Url} already exists.`);
      }
      store.insertOidcProvider({
        account: ctx.account,
        arn,
        url: address,
        client_ids: JSON.stringify(clientIds),
        thumbprints: JSON.stringify(thumbprints),
        created_at: state.now(),
        tags: JSON.stringify(tags),
      });
      return tags.length > 0 ? { OpenIDConnectProviderArn: arn, Tags: tags } : { OpenIDConnectProviderArn: arn };
    },

    getOpenIDConnectProvider(ctx, input) {
      const row = provider(state, ctx.account, input.OpenIDConnectProviderArn);
      const tags = parseTags(row.tags);
      return {
        Url: row.url,
        ClientIDList: JSON.parse(row.client_ids) as string[],
        ThumbprintList: JSON.parse(row.thumbprints) as string[],
        CreateDate: new Date(row.created_at),
        ...(tags.length > 0 ? { Tags: tags } : {}),
      };
    },

    deleteOpenIDConnectProvider(ctx, input) {
      const row = providerToDelete(state, ctx.account, input.OpenIDConnectProviderArn);
      store.deleteOidcProvider(ctx.account, row.arn);
    },

    listOpenIDConnectProviders(ctx) {
      return { OpenIDConnectProviderList: store.oidcProviders(ctx.account).map((row) => ({ Arn: row.arn })) };
    },

    /** Adding a client id the provider has is not an error (versitygw's tests). */
    addClientIDToOpenIDConnectProvider(ctx, input) {
      const row = provider(state, ctx.account, input.OpenIDConnectProviderArn);
      const clientIds = clientIdsOf([...(JSON.parse(row.client_ids) as string[]), input.ClientID]);
      store.updateOidcProvider({ ...row, client_ids: JSON.stringify(clientIds) });
    },

    /** Nor is removing one it does not have. */
    removeClientIDFromOpenIDConnectProvider(ctx, input) {
      const row = provider(state, ctx.account, input.OpenIDConnectProviderArn);
      const clientIds = (JSON.parse(row.client_ids) as string[]).filter((id) => id !== input.ClientID);
      store.updateOidcProvider({ ...row, client_ids: JSON.stringify(clientIds) });
    },

    updateOpenIDConnectProviderThumbprint(ctx, input) {
      const row = provider(state, ctx.account, input.OpenIDConnectProviderArn);
      const thumbprints = thumbprintsOf(input.ThumbprintList);
      store.updateOidcProvider({ ...row, thumbprints: JSON.stringify(thumbprints) });
    },

    tagOpenIDConnectProvider(ctx, input) {
      const row = providerToDelete(state, ctx.account, input.OpenIDConnectProviderArn);
      const tags = mergeTags(parseTags(row.tags), input.Tags, exactTags);
      store.updateOidcProvider({ ...row, tags: JSON.stringify(tags) });
    },

    untagOpenIDConnectProvider(ctx, input) {
      const row = providerToDelete(state, ctx.account, input.OpenIDConnectProviderArn);
      const tags = removeTags(parseTags(row.tags), input.TagKeys, exactTags);
      store.updateOidcProvider({ ...row, tags: JSON.stringify(tags) });
    },

    listOpenIDConnectProviderTags(ctx, input) {
      const row = providerToDelete(state, ctx.account, input.OpenIDConnectProviderArn);
      const listing = 'oidc-provider-tags';
      const { items, info } = pageInMemory(
        parseTags(row.tags),
        input.MaxItems,
        input.Marker,
        listing,
        (tag) => tag.Key,
      );
      return { Tags: items, ...info };
    },
  } satisfies Partial<IamOperations<RequestContext>>;
}
