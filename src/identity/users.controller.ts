import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblems } from '../common/openapi';
import { Page } from '../common/pagination';
import { CreateUserDto, UpdateUserDto, UserQuery } from './dto/users.dto';
import { UserView } from './dto/identity.views';
import { UsersService } from './users.service';
import { RequirePermission } from '../common/decorators';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @RequirePermission('users:manage')
  @ApiOperation({ summary: 'Create a user with roles (and organisations, for applicants)' })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(400, 409)
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }

  @Get()
  @RequirePermission('users:manage')
  @ApiPage(UserView)
  list(@Query() q: UserQuery): Promise<Page<UserView>> {
    return this.users.list(q);
  }

  @Get(':id')
  @RequirePermission('users:manage')
  @ApiOkResponse({ type: UserView })
  @ApiProblems(404)
  get(@Param('id') id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch(':id')
  @RequirePermission('users:manage')
  @ApiOperation({
    summary: 'Change name, roles, organisations, language or password; {active:false} deactivates (users are never deleted)',
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(400, 404, 409)
  update(@Param('id') id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.users.update(id, dto);
  }
}
